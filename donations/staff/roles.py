"""Who among staff may do what: the three groups and their permissions (docs/staff-guide.md).

事務局 writes the site's content and moderates cheering messages, and sees no donor; 会計 keeps
the ledger (donations, transfers, statements, exports, receipts); 管理者 holds every permission.
The data migration `0004_staff_groups` defines them; a change here needs a new migration that
calls `define_groups` again, so that every database gets it."""

CONTENT_MODELS = [
    "campaigns.campaign",
    "campaigns.campaignsection",
    "campaigns.impacttier",
    "campaigns.fundingsource",
    "programs.program",
    "testimonials.testimonial",
    "jii_campaign.infopage",
]


def _all_of(model):
    app, name = model.split(".")
    return [f"{app}.{action}_{name}" for action in ("view", "add", "change", "delete")]


SECRETARIAT = "事務局"
ACCOUNTS = "会計"
ADMINISTRATORS = "管理者"

GROUPS = {
    SECRETARIAT: [
        *(perm for model in CONTENT_MODELS for perm in _all_of(model)),
        "jii_campaign.view_organisation",
        "jii_campaign.change_organisation",
        "jii_campaign.view_bankaccount",
        "testimonials.view_supportmessage",
        "testimonials.moderate_supportmessage",
        # 活動報告: writes, previews, tests and sends updates (updates/admin.py), without seeing
        # who receives them.
        *_all_of("updates.update"),
        "updates.preview_update",
        "updates.send_test_update",
        "updates.send_update",
    ],
    ACCOUNTS: [
        "donations.view_donation",
        "donations.add_donation",
        "donations.change_donation",
        "donations.view_dashboard",
        "donations.view_supporters_at_risk",
        "donations.export_donations",
        "donations.download_receipts",
        "donations.view_payment",
        "donations.view_stripeevent",
        "donations.view_statementline",
        "donations.change_statementline",
        "donations.import_statement",
        "jii_campaign.view_bankaccount",
        "jii_campaign.change_bankaccount",
        # Who an update went to, and whose mail stopped (addresses: donors' data).
        "updates.view_delivery",
    ],
}


def define_groups(apps, schema_editor=None):
    """Create (or bring up to date) the three groups; idempotent. `apps` is a migration's
    historical registry or django.apps.apps."""
    from django.apps import apps as installed
    from django.contrib.auth.management import create_permissions

    # Permissions normally appear after `migrate` ends; the groups need them now.
    for app_config in installed.get_app_configs():
        create_permissions(app_config, verbosity=0, apps=apps)
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for name, perms in GROUPS.items():
        group, _ = group_model.objects.get_or_create(name=name)
        found = (_permission(permission_model, perm) for perm in perms if _migrated(apps, perm))
        group.permissions.set([permission for permission in found if permission is not None])
    administrators, _ = group_model.objects.get_or_create(name=ADMINISTRATORS)
    administrators.permissions.set(permission_model.objects.all())


def _migrated(apps, dotted):
    """Whether the permission's app exists yet at this point of the migrations: an earlier
    migration that calls `define_groups` leaves out an app added later, whose own migration
    calls it again (e.g. updates' 0002)."""
    app_label = dotted.split(".")[0]
    try:
        apps.get_app_config(app_label)
    except LookupError:
        return False
    return bool(apps.get_app_config(app_label).get_models())


def _permission(permission_model, dotted):
    """The permission, or None when the migration that defines it has not run yet (an earlier
    migration calling `define_groups`: the later one calls it again)."""
    app_label, codename = dotted.split(".")
    return permission_model.objects.filter(
        content_type__app_label=app_label, codename=codename
    ).first()
