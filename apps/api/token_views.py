"""API views of the tokens: obtain one with a username and password (and the two-factor code
where the account needs it), list your own, revoke one or all of them."""

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts import twofactor
from apps.core.errors import ServiceError

from . import selectors as token_selectors
from . import serializers as s
from . import services as token_services
from .models import ApiToken
from .throttles import TokenThrottle
from .validation import validated


class TokenView(APIView):
    """POST: exchange a username and password for a new API token, valid API_TOKEN_DAYS days (the key
    is shown once). DELETE: revoke the token of this request (with a session: all your tokens)."""

    def get_throttles(self):
        # Sign-ins are throttled per address; revoking one's token never shares their count (a
        # client locked out by guesses at its address can still revoke a leaked token).
        return [TokenThrottle()] if self.request.method == "POST" else []

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    def get_authenticators(self):
        # Obtaining a token needs no authentication (and no CSRF token of a browser session).
        if getattr(self, "request", None) is not None and self.request.method == "POST":
            return []
        return super().get_authenticators()

    @extend_schema(
        request=s.TokenRequestSerializer,
        responses={200: s.TokenSerializer},
        auth=[],
        summary="获取令牌 / Obtain a token",
        description="用户名和密码换取新的 API 令牌(有效期见 expires,只显示一次)。/ Exchange a username "
        "and password for a new API token (valid until `expires`; the key is shown only once).",
    )
    def post(self, request):
        body = validated(s.TokenRequestSerializer, request)
        user = authenticate(
            request._request,
            username=body["username"],
            password=body["password"],
        )
        if user is None or not user.is_active:
            raise ServiceError(_("Wrong username or password."), code="invalid_credentials")
        if user.must_change_password:
            # A one-time password (bulk creation, a reset) opens the portal's change page only.
            raise ServiceError(
                _("Sign in on the portal and choose your own password first; then ask for a token."),
                code="password_change_required",
            )
        two_factor = twofactor.required_for(user)
        if two_factor:
            if not twofactor.is_enrolled(user):
                raise ServiceError(
                    _("Set up two-factor sign-in on the portal first, then send its code as otp."),
                    code="two_factor_not_set_up",
                )
            if not twofactor.verify_code(user, body.get("otp", "")):
                raise ServiceError(
                    _("This account needs its two-factor code: send it as otp."),
                    code="otp_required",
                    field="otp",
                )
        token, key = token_services.issue_token(user=user, name=body.get("name", ""), two_factor=two_factor)
        return Response({"token": key, "expires": token.expires})

    @extend_schema(
        request=None,
        responses={204: None},
        summary="吊销当前令牌 / Revoke this token",
        description="吊销本次请求所用的令牌(会话登录时吊销自己的全部令牌)。/ Revoke the token of this "
        "request (with a session: all of your tokens).",
    )
    def delete(self, request):
        if isinstance(request.auth, ApiToken):
            token_services.revoke_token(user=request.user, pk=request.auth.pk)
        else:
            token_services.revoke_all_tokens(request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenListView(APIView):
    """GET: your own tokens (never their keys)."""

    @extend_schema(
        responses={200: s.ApiTokenSerializer(many=True)},
        summary="我的令牌 / Your tokens",
        description="当前用户的全部令牌(不含密钥)。/ The calling user's tokens (without their keys).",
    )
    def get(self, request):
        rows = token_selectors.tokens_of(request.user)
        return Response(s.ApiTokenSerializer(rows, many=True, context={"request": request}).data)


class TokenDetailView(APIView):
    """DELETE: revoke one of your own tokens (another user's answers 404)."""

    @extend_schema(
        request=None,
        responses={204: None},
        summary="吊销一个令牌 / Revoke one token",
        description="吊销自己的一个令牌;他人的令牌返回 404。/ Revoke one of your tokens; another "
        "user's answers 404.",
    )
    def delete(self, request, pk):
        token_services.revoke_token(user=request.user, pk=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)
