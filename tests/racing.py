"""Release real processes together (RELIABILITY.md "Tests that prove it").

`race(target, [args, ...])` starts one spawned interpreter per args tuple (no
connection inherited through fork), calls `target(*args, barrier, results)` in each,
and returns what each put on `results`. Every racer must end its set-up transaction
before `barrier.wait()`: on SQLite a CLI context holds the write lock from BEGIN."""

import multiprocessing as mp


def race(target, racers: list[tuple], timeout: float = 120) -> list:
    context = mp.get_context("spawn")
    barrier, results = context.Barrier(len(racers)), context.Queue()
    processes = [context.Process(target=target, args=(*args, barrier, results)) for args in racers]
    for p in processes:
        p.start()
    outcomes = [results.get(timeout=timeout) for _ in processes]
    for p in processes:
        p.join(timeout=30)
    results.close()
    results.join_thread()
    return outcomes
