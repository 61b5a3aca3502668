"""Who may read and who may change the risk register and its methodology (the route
matrix in tests/security holds every route to these)."""

from lpse_web.auth.roles import Role

# The asset manager reads the risks of an asset; managers read every register.
READERS = (Role.ASSET_MANAGER, Role.RISK_MANAGER, Role.MANAGER, Role.ADMIN)
WRITERS = (Role.RISK_MANAGER, Role.ADMIN)
