"""Authentication backends that load a signed-in user in one query with what every request needs.

Every page asks for the user's role (membership → organisation) and the MFA middleware asks IOM
and chamber users whether they have TOTP: both come with the user row instead of three more
queries before each view.
"""

import functools

from allauth.account.auth_backends import AuthenticationBackend as AllauthAuthenticationBackend
from allauth.mfa.models import Authenticator
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.db import connections, router
from django.db.models import Exists, OuterRef
from django.db.models.query import get_related_populators

from .models import User

# Stands in for the user's id while the query is compiled once; replaced on every request.
_PK_PLACEHOLDER = -424242


def signed_in_user_queryset():
    """The user with their membership and organisation, and `has_totp` (filter by pk)."""
    return User.objects.select_related("membership_row__organisation").annotate(
        has_totp=Exists(
            Authenticator.objects.filter(user_id=OuterRef("pk"), type=Authenticator.Type.TOTP)
        )
    )


@functools.cache
def _signed_in_user_plan(alias: str):
    """The SQL of `signed_in_user_queryset()` for one user, and how to build the objects from
    its row: compiled once per process and database, since the ORM's building and compiling of
    this three-table query costs more than the query itself, on every signed-in request."""
    queryset = signed_in_user_queryset().filter(pk=_PK_PLACEHOLDER)
    compiler = queryset.query.get_compiler(using=alias)
    sql, params = compiler.as_sql()
    params = list(params)
    if params.count(_PK_PLACEHOLDER) != 1:  # pragma: no cover (the query's shape changed)
        return None
    klass_info = compiler.klass_info
    fields = klass_info["select_fields"]
    return {
        "sql": sql,
        "params": params,
        "pk_index": params.index(_PK_PLACEHOLDER),
        "compiler": compiler,
        "converters": compiler.get_converters([expr for expr, _sql, _alias in compiler.select]),
        "init_list": [compiler.select[i][0].target.attname for i in fields],
        "fields": (fields[0], fields[-1] + 1),
        "populators": get_related_populators(klass_info, compiler.select, alias),
        "annotations": dict(compiler.annotation_col_map),
    }


def signed_in_user(user_id) -> User | None:
    """The user with their membership and organisation, and `has_totp`."""
    alias = router.db_for_read(User)
    plan = _signed_in_user_plan(alias)
    if plan is None or not isinstance(user_id, int):
        return signed_in_user_queryset().filter(pk=user_id).first()
    params = list(plan["params"])
    params[plan["pk_index"]] = user_id
    with connections[alias].cursor() as cursor:
        cursor.execute(plan["sql"], params)
        row = cursor.fetchone()
    if row is None:
        return None
    if plan["converters"]:
        row = next(iter(plan["compiler"].apply_converters([row], plan["converters"])))
    start, end = plan["fields"]
    user = User.from_db(alias, plan["init_list"], row[start:end])
    for populator in plan["populators"]:
        populator.populate(row, user)
    for name, position in plan["annotations"].items():
        setattr(user, name, row[position])
    return user


class SignedInUserMixin:
    def get_user(self, user_id):
        user = signed_in_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(SignedInUserMixin, DjangoModelBackend):
    pass


class AuthenticationBackend(SignedInUserMixin, AllauthAuthenticationBackend):
    """allauth's e-mail login (allauth picks it for its logins as a subclass of its own)."""
