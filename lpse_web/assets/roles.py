"""Who may read and who may change the asset register (the route matrix in
tests/security holds every route to these)."""

from lpse_web.auth.roles import Role

# The risk manager reads the assets a risk affects; managers read every register.
READERS = (Role.ASSET_MANAGER, Role.RISK_MANAGER, Role.MANAGER, Role.ADMIN)
WRITERS = (Role.ASSET_MANAGER, Role.ADMIN)
