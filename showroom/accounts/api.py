from ninja import Router, Schema

from .services import token_issue

router = Router(tags=["auth"])


class TokenIn(Schema):
    username: str
    password: str


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
