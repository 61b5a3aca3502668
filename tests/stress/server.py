"""The real app under gunicorn for the stress and fault tests: several sync workers on a
free port, on the database the test names, with the clock pinned where the test needs a
fixed day. `workers()` lists the worker processes, so a test can kill one."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_VENV_BIN = ROOT / ".venv" / "bin"
BIN = _VENV_BIN if (_VENV_BIN / "gunicorn").exists() else Path(sys.executable).parent
STARTUP_SECONDS = 30


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def kill_a_worker(self) -> int:
        pid = self.workers()[0]
        os.kill(pid, signal.SIGKILL)
        return pid

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def wait_until_answering(self, seconds: float = STARTUP_SECONDS) -> None:
        deadline = time.monotonic() + seconds
        while not answers(self.url + "/sehat"):
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited with {self.process.returncode}:\n{self.log_tail()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"gunicorn did not answer in {seconds} s:\n{self.log_tail()}")
            time.sleep(0.1)


@contextmanager
def gunicorn(database_url: str, folder: Path, workers: int = 2, now: str | None = None):
    """gunicorn serving the app on `database_url` (already migrated and seeded)."""
    log = folder / "gunicorn.log"
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "stress-secret-key",
           "LPSE_RATELIMIT": "0", "FLASK_APP": "wsgi", "PYTHONUNBUFFERED": "1"}
    for name in ("LPSE_HTTPS", "LPSE_NOW", "RATELIMIT_STORAGE_URI", "MAIL_SERVER"):
        env.pop(name, None)
    if now:
        env["LPSE_NOW"] = now
    port = free_port()
    with log.open("w") as log_file:
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}", "--timeout", "30",
             "--graceful-timeout", "5", "--error-logfile", "-", "--log-level", "warning",
             "--capture-output", "--no-control-socket", "wsgi:app"],
            cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        server.wait_until_answering()
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
