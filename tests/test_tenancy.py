"""Views never read a tenant model through `.objects` (DESIGN.md §3, STYLE.md rule 4).

Tenant data is read through the app's selectors, which take the acting user; a view that wrote
`Invitation.objects.filter(...)` would bypass the one place that decides visibility.
"""

import ast
import importlib
import inspect
from pathlib import Path

from django.apps import apps
from django.conf import settings

from thamm.models import TenantOwned

ROOT = Path(settings.BASE_DIR)
PROJECT_APPS = [
    c
    for c in apps.get_app_configs()
    if Path(c.path).is_relative_to(ROOT) and "site-packages" not in Path(c.path).parts
]
# Tenant data also includes the tenants themselves and the grants between them.
TENANT_MODEL_LABELS = {"accounts.Organisation", "accounts.OrganisationUserObjectPermission"}


def tenant_models() -> set[type]:
    found = {m for m in apps.get_models() if issubclass(m, TenantOwned)}
    found |= {apps.get_model(label) for label in TENANT_MODEL_LABELS}
    return found


# Modules that serve views: the views themselves and what builds their pages and forms.
VIEW_MODULES = ("views", "forms", "home")


def view_modules() -> list[Path]:
    paths = []
    for config in PROJECT_APPS:
        base = Path(config.path)
        for name in VIEW_MODULES:
            paths += [p for p in [base / f"{name}.py"] if p.exists()]
            if (base / name).is_dir():
                paths += sorted((base / name).glob("*.py"))
    return paths


def _resolve(node: ast.AST, namespace: dict):
    """The object an expression like `Invitation` or `models.Invitation` names in the module."""
    if isinstance(node, ast.Name):
        return namespace.get(node.id)
    if isinstance(node, ast.Attribute):
        parent = _resolve(node.value, namespace)
        return getattr(parent, node.attr, None) if parent is not None else None
    return None


SHORTCUTS = {"get_object_or_404", "get_list_or_404"}


def bare_manager_uses(source: str, namespace: dict) -> list[str]:
    """Reads of a tenant model that skip the selectors.

    `X.objects` / `X._default_manager` (X a name or a dotted path), and Django's shortcuts
    `get_object_or_404(X, ...)` / `get_list_or_404(X, ...)`.
    """
    models = tenant_models()

    def is_tenant(node) -> bool:
        obj = _resolve(node, namespace)
        return inspect.isclass(obj) and obj in models

    hits = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in ("objects", "_default_manager", "_base_manager")
            and is_tenant(node.value)
        ):
            hits.append(f"line {node.lineno}: {ast.unparse(node)}")
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in SHORTCUTS
            and node.args
            and is_tenant(node.args[0])
        ):
            hits.append(f"line {node.lineno}: {ast.unparse(node)}")
    return hits


def test_tenant_models_are_known():
    labels = {m._meta.label for m in tenant_models()}
    assert {"accounts.Membership", "accounts.Invitation", "accounts.Organisation"} <= labels


def test_the_check_catches_every_way_around_the_selectors():
    from django.shortcuts import get_object_or_404

    from accounts import models
    from accounts.models import Invitation

    namespace = {"Invitation": Invitation, "models": models, "get_object_or_404": get_object_or_404}
    bad = (
        "def view(request, pk):\n"
        "    Invitation.objects.all()\n"
        "    models.Membership.objects.filter(pk=pk)\n"
        "    return get_object_or_404(Invitation, pk=pk)\n"
    )
    assert sorted(bare_manager_uses(bad, namespace)) == [
        "line 2: Invitation.objects",
        "line 3: models.Membership.objects",
        "line 4: get_object_or_404(Invitation, pk=pk)",
    ]
    assert bare_manager_uses("def v(r):\n    return User.objects.none()\n", {}) == []


def test_no_view_reads_a_tenant_model_directly():
    offenders = {}
    modules = view_modules()
    assert modules, "no view modules found"
    for path in modules:
        module_name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        module = importlib.import_module(module_name)
        hits = bare_manager_uses(path.read_text(), vars(module))
        if hits:
            offenders[module_name] = hits
    assert not offenders, f"views reading tenant models without a selector: {offenders}"
