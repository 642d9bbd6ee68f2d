from ninja import Field, Router, Schema

from showroom.core.api import Body

from .services import token_issue

router = Router(tags=["auth"])


class TokenIn(Body):
    username: str = Field(..., max_length=150)
    password: str = Field(..., max_length=1024)


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"  # noqa: S105 - the scheme name, not a secret


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    role: str
    store_id: int | None
    language: str


@router.post("/token", auth=None, response={200: TokenOut})
def issue_token(request, payload: TokenIn):
    """Exchange a username and password for a bearer token."""
    return {"token": token_issue(request=request, username=payload.username, password=payload.password)}


@router.get("/me", response=MeOut)
def me(request):
    """The signed-in user."""
    user = request.auth
    return {"id": user.pk, "username": user.username, "display_name": user.display_name, "role": user.role,
            "store_id": user.store_id, "language": user.language}
