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


def view_modules() -> list[Path]:
    paths = []
    for config in PROJECT_APPS:
        base = Path(config.path)
        paths += [p for p in [base / "views.py"] if p.exists()]
        paths += sorted((base / "views").glob("*.py")) if (base / "views").is_dir() else []
    return paths


def bare_manager_uses(source: str, namespace: dict) -> list[str]:
    """Names `X` used as `X.objects` (or `X._default_manager`) where X is a tenant model."""
    models = tenant_models()
    hits = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in ("objects", "_default_manager", "_base_manager")
            and isinstance(node.value, ast.Name)
        ):
            obj = namespace.get(node.value.id)
            if inspect.isclass(obj) and obj in models:
                hits.append(f"line {node.lineno}: {node.value.id}.{node.attr}")
    return hits


def test_tenant_models_are_known():
    labels = {m._meta.label for m in tenant_models()}
    assert {"accounts.Membership", "accounts.Invitation", "accounts.Organisation"} <= labels


def test_the_check_catches_a_bare_objects_read():
    from accounts.models import Invitation

    bad = "def view(request):\n    return Invitation.objects.all()\n"
    assert bare_manager_uses(bad, {"Invitation": Invitation}) == ["line 2: Invitation.objects"]


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
