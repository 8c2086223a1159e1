"""JupyterHub mode of ``ttt present``: the dashboards and the live service run as a JupyterHub service.

The Hub starts ``ttt present --hub`` (or any ``ttt present`` it starts as a service: it sets
``JUPYTERHUB_SERVICE_NAME``) and routes ``/services/<name>/`` to it. Then

- trainees are the Hub's users: registering with the live service (``POST .../participants``) needs the Hub to vouch
  for the caller, either with ``Authorization: token $JUPYTERHUB_API_TOKEN`` (a trainee's kernel, whose server's
  token the Hub gave the ``access:services!service=<name>`` scope) or with this service's OAuth cookie plus an
  ``X-TTT-Join: 1`` header (the phone page, after logging in through the Hub). The participant token the service
  issues is bound to that Hub user name, so nobody can answer as someone else: ``JUPYTERHUB_USER`` in a kernel,
  a name in the request body or a made-up token change nothing;
- workshop leads open the dashboards at the Hub's ``/services/<name>/`` and log in through the Hub (OAuth): Hub
  admins and the users named in ``--lead-users`` / ``TTT_LEAD_USERS`` get in, other users get 403. The server's
  token still works in an ``Authorization: token ...`` header; it is made at random and given only to the
  dashboards' own kernels (for the live service's push), never printed;
- the response store's URL (``TTT_DB_URL``) stays in the service's environment: the Hub passes it to this process
  only, and trainees' servers never see it.

In a trainee's or lead's single-user server the Hub sets ``JUPYTERHUB_API_TOKEN`` and ``JUPYTERHUB_SERVICE_PREFIX``
too, but not ``JUPYTERHUB_SERVICE_NAME``: a ``ttt present`` started there is a plain one (on that machine, with its
printed token), unless ``--hub`` says otherwise.
"""

from __future__ import annotations

import functools
import hmac
import logging
import os
from dataclasses import dataclass, field
from typing import Any, Mapping
from urllib.parse import urlparse

__all__ = ["HubSettings", "HubConfigError", "started_by_hub", "lead_users_from", "hub_auth", "participant_identity",
           "HubLeadIdentityProvider", "hub_routes", "configure_voila", "LEAD_USERS_VAR"]

log = logging.getLogger("ttt_widgets.hub")

#: the environment variable naming the Hub users (besides the Hub's admins) who may open the dashboards
LEAD_USERS_VAR = "TTT_LEAD_USERS"
#: what the Hub gives every service it knows; without these ``ttt present --hub`` cannot work
REQUIRED = ("JUPYTERHUB_API_TOKEN", "JUPYTERHUB_CLIENT_ID", "JUPYTERHUB_SERVICE_PREFIX")
#: the user name of requests that carry the server's own token (the dashboards' kernels)
TOKEN_LEAD = "ttt-lead-token"


class HubConfigError(RuntimeError):
    """``ttt present --hub`` was started without what the Hub gives a service."""


def started_by_hub(environ: Mapping[str, str] | None = None) -> bool:
    """True when the Hub started this process as (or configured it for) a service: ``JUPYTERHUB_SERVICE_NAME``."""
    environ = os.environ if environ is None else environ
    return bool(environ.get("JUPYTERHUB_SERVICE_NAME", "").strip())


def lead_users_from(text: str | None) -> set[str]:
    """``"dana, lee kim"`` -> ``{"dana", "lee", "kim"}`` (commas or spaces)."""
    return {name for name in (text or "").replace(",", " ").split() if name}


@dataclass
class HubSettings:
    """Where the Hub expects this service: its URL prefix, the address it listens on, its public address."""

    name: str
    prefix: str
    ip: str
    port: int
    public_url: str | None = None
    lead_users: set[str] = field(default_factory=set)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, *, ip: str = "127.0.0.1", port: int = 8866,
                 lead_users: set[str] | None = None) -> "HubSettings":
        """Read the Hub's variables; ``ip``/``port`` only when the Hub gave no ``JUPYTERHUB_SERVICE_URL``."""
        environ = os.environ if environ is None else environ
        missing = [name for name in REQUIRED if not environ.get(name, "").strip()]
        if missing:
            raise HubConfigError(
                f"JupyterHub mode needs {', '.join(missing)} in the environment: add ttt present to "
                "c.JupyterHub.services in jupyterhub_config.py (the README shows how), and the Hub sets them")
        service_url = environ.get("JUPYTERHUB_SERVICE_URL", "").strip()
        if service_url:
            parsed = urlparse(service_url)
            if parsed.scheme != "http" or not parsed.hostname:
                raise HubConfigError(f"JUPYTERHUB_SERVICE_URL must be an http:// address, not {service_url!r}")
            ip, port = parsed.hostname, parsed.port or 80
        prefix = "/" + environ["JUPYTERHUB_SERVICE_PREFIX"].strip().strip("/") + "/"
        public = environ.get("TTT_PUBLIC_URL", "").strip() or environ.get("JUPYTERHUB_PUBLIC_URL", "").strip() or None
        leads = set(lead_users or ()) | lead_users_from(environ.get(LEAD_USERS_VAR))
        return cls(environ.get("JUPYTERHUB_SERVICE_NAME", "").strip() or prefix.strip("/").rsplit("/", 1)[-1],
                   prefix, ip, int(port), public.rstrip("/") if public else None, leads)

    def voila_args(self) -> list[str]:
        """What ``ttt present`` adds to the Voila command line in this mode."""
        return ["--PresentVoila.hub=True"]

    def banner(self) -> str:
        where = (self.public_url or "the Hub's address") + ("" if self.public_url else self.prefix)
        leads = ", ".join(sorted(self.lead_users)) or "none named"
        return (f"JupyterHub service {self.name!r}: open {where} and log in through the Hub.\n"
                f"Dashboards: the Hub's admins and the lead users ({leads}). Trainees join with their Hub login.")


# -- the Hub's word on who is asking ------------------------------------------------------------------------------
def hub_auth():
    """The service's one :class:`jupyterhub.services.auth.HubOAuth` (configured from the Hub's variables)."""
    from jupyterhub.services.auth import HubOAuth

    return HubOAuth.instance()


def _allowed(auth, model: dict | None) -> bool:
    """A user (not a service) holding this service's access scope (``access:services!service=<name>``)."""
    return bool(model) and model.get("kind", "user") == "user" and bool(auth.check_scopes(auth.access_scopes, model))


def participant_identity(auth=None):
    """The live service's ``hub_user`` hook: the Hub user behind a request, or None (the service answers 401).

    The Hub vouches through a token in the ``Authorization`` header (``token ...``; a trainee's kernel sends its
    server's ``$JUPYTERHUB_API_TOKEN``) or through this service's OAuth cookie (the phone page, logged in through
    the Hub). Only users holding this service's access scope count; services, unknown and expired tokens do not.
    Nothing the caller says about itself (a name in the body, ``JUPYTERHUB_USER``) is looked at.
    """
    from .service import HTTPFailure

    auth = auth or hub_auth()

    async def hub_user(handler) -> str | None:
        token = auth.get_token(handler, in_cookie=False)
        if not token:
            cookie = handler.get_secure_cookie(auth.cookie_name)
            token = cookie.decode("ascii", "replace") if cookie else None
        if not token:
            return None
        try:
            model = await auth.user_for_token(token, session_id=auth.get_session_id(handler), sync=False)
        except Exception as exc:  # noqa: BLE001 - the Hub is down or answered an error
            log.warning("JupyterHub could not check a participant's token: %s", exc)
            raise HTTPFailure(503, "JupyterHub cannot be reached right now; try again in a moment") from None
        if not _allowed(auth, model):
            return None
        return model["name"]

    return hub_user


@functools.cache
def _lead_identity_provider_class():
    from jupyter_server.auth import User
    from jupyterhub.singleuser.extension import (JupyterHubIdentityProvider, JupyterHubLogoutHandler,
                                                 JupyterHubOAuthCallbackHandler)
    from jupyterhub.utils import url_path_join
    from tornado.web import HTTPError
    from traitlets import Set, Unicode, default

    class HubLeadIdentityProvider(JupyterHubIdentityProvider):
        """The dashboards' login in hub mode: the Hub's OAuth, for its admins and the named lead users.

        Requests carrying the server's own token (``Authorization: token ...``; the dashboards' kernels) are let
        in too. Other Hub users are refused with 403.
        """

        token = Unicode("", help="the server's own token (given to the dashboards' kernels, never printed)")
        lead_users = Set(Unicode(), help="Hub users who may open the dashboards (besides the Hub's admins); "
                                         f"default: ${LEAD_USERS_VAR}").tag(config=True)
        base_url = Unicode("/", help="the service's URL prefix (JUPYTERHUB_SERVICE_PREFIX)")

        @default("hub_auth")
        def _default_hub_auth(self):
            return hub_auth()

        @default("lead_users")
        def _default_lead_users(self):
            return lead_users_from(os.environ.get(LEAD_USERS_VAR))

        @default("base_url")
        def _default_base_url(self):
            return self.hub_auth.base_url

        def _server_token(self, handler) -> bool:
            header = handler.request.headers.get("Authorization", "")
            scheme, _, value = header.partition(" ")
            return (bool(self.token) and scheme.lower() == "token"
                    and hmac.compare_digest(value.strip().encode(), self.token.encode()))

        async def get_user(self, handler):
            if self._server_token(handler):
                handler._token_authenticated = True  # a header, not a cookie: no cross-site forgery to check for
                return User(username=TOKEN_LEAD)
            user = await super().get_user(handler)
            if user is None:
                return None
            if user.hub_user.get("admin") or user.username in self.lead_users:
                return user
            self.log.warning("Hub user %s is not a workshop lead: refused", user.username)

            def refuse(*args: Any, **kwargs: Any) -> None:
                raise HTTPError(403, f"{user.username} is not a workshop lead of this Hub")

            handler.redirect = refuse
            handler._jupyterhub_user = None
            return None

        def get_handlers(self):
            # Voila adds these as they are: give them the service's prefix here
            return [(url_path_join(self.base_url, "logout"), JupyterHubLogoutHandler),
                    (url_path_join(self.base_url, "oauth_callback"), JupyterHubOAuthCallbackHandler,
                     {"hub_auth": self.hub_auth})]

    return HubLeadIdentityProvider


def __getattr__(name: str):  # the identity provider imports jupyter_server and jupyterhub: only when asked for
    if name == "HubLeadIdentityProvider":
        return _lead_identity_provider_class()
    raise AttributeError(name)


# -- what the Voila application needs -------------------------------------------------------------------------
def configure_voila(app) -> HubSettings:
    """Set a freshly initialised Voila application up as the Hub's service: prefix, address, the Hub's login for
    the leads, a server token for the dashboards' kernels. Called from ``PresentVoila.initialize``."""
    import secrets

    settings = HubSettings.from_env(ip=app.ip, port=app.port)
    auth = hub_auth()
    auth.base_url = settings.prefix
    app.base_url = settings.prefix
    app.ip, app.port, app.port_retries = settings.ip, settings.port, 0
    app.identity_provider_class = _lead_identity_provider_class()
    if not app.token:  # the kernels' token: always set, so that no request is let in for want of one
        app.token = secrets.token_hex(24)
    if settings.public_url and not os.environ.get("TTT_PUBLIC_URL"):
        os.environ["TTT_PUBLIC_URL"] = settings.public_url
    return settings


def hub_routes(routes: list, service, auth=None) -> list:
    """The live service's routes in hub mode: participants identified by the Hub, the phone page behind its login."""
    from jupyterhub.services.auth import HubOAuthenticated
    from tornado import web

    from .service import JoinPage

    auth = auth or hub_auth()
    service.hub_user = participant_identity(auth)

    class HubJoinPage(HubOAuthenticated, JoinPage):
        """The phone page: log in through the Hub first (OAuth), then the page joins as that user."""

        async def prepare(self) -> None:
            self.hub_auth = auth
            model = await auth.get_user(self, sync=False)
            if model and not _allowed(auth, model):
                raise web.HTTPError(403, f"{model.get('name')} may not use this service")
            self.current_user = model or None

        @web.authenticated
        def get(self, *args: Any) -> None:
            return JoinPage.get(self, *args)

    return [(pattern, HubJoinPage, *rest) if cls is JoinPage else (pattern, cls, *rest)
            for pattern, cls, *rest in routes]
