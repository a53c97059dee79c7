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


# Models that hold no organisation's data although they point at some: reference data, and rows
# read only by IOM or by one person (each with the reason).
NOT_TENANT_DATA = {
    "thamm.AuditEntry": "read by IOM only, in the admin",
    "thamm.StageChange": "read through the selector of the object it is about",
    "thamm.Notification": "one person's own (notification_list filters by recipient)",
    "companies.ChamberProvince": "reference data: the provinces of each chamber's area",
    "accounts.OrganisationUserObjectPermission": "grants between tenants (accounts.selectors)",
    "accounts.OrganisationGroupObjectPermission": "guardian's group grants: not used",
    "candidates.CandidateGroupObjectPermission": "grants between tenants (matching.selectors)",
}


def _points_at_tenant_data(model) -> bool:
    owners = tenant_models() | {apps.get_model("accounts.Organisation")}
    return any(
        field.many_to_one and field.related_model in owners for field in model._meta.get_fields()
    )


def test_every_model_holding_a_tenants_data_is_marked_with_its_owner():
    unmarked = [
        model._meta.label
        for model in apps.get_models()
        if Path(apps.get_app_config(model._meta.app_label).path).is_relative_to(ROOT)
        and not issubclass(model, TenantOwned)
        and model._meta.label not in NOT_TENANT_DATA
        and _points_at_tenant_data(model)
    ]
    assert unmarked == [], f"mark these TenantOwned with their tenant_path: {unmarked}"


def test_every_owner_path_leads_to_an_organisation():
    organisation = apps.get_model("accounts.Organisation")
    for model in tenant_models() - {organisation}:
        if model._meta.label in TENANT_MODEL_LABELS:
            continue
        current = model
        for step in model.tenant_path.split("__"):
            current = current._meta.get_field(step).related_model
        assert current is organisation, (model._meta.label, model.tenant_path)


def test_owned_keeps_the_users_own_organisations_rows(world):
    from thamm.models import Job
    from thamm.scoping import owned

    mine = Job.objects.create(kind="t", organisation=world.centre_org)
    Job.objects.create(kind="t", organisation=world.centre_b_org)
    assert list(owned(Job.objects.all(), user=world.centre)) == [mine]
    assert owned(Job.objects.all(), user=world.iom).count() == 2
    assert not owned(Job.objects.all(), user=world.candidate).exists()
