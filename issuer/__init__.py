"""SkillPass issuer service: institutes, issuance, Bitstring Status Lists, did:web, offers.

    from issuer import Settings, create_app
    app = create_app(Settings(database_url="sqlite:///issuer.db", admin_token="..."))

``skillpass issuer serve`` runs it with uvicorn; see docs/deploy.md.
"""

from .app import create_app
from .settings import Settings

__all__ = ["Settings", "create_app"]
