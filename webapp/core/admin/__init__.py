"""System administration (role ``sys_admin``; an account's roles: ``security_admin``). Every URL of the area is
listed here."""

from flask import Blueprint

from webapp.core.admin import security_views, views

bp = Blueprint("admin", __name__, url_prefix="/admin")

bp.add_url_rule("/", view_func=views.index, endpoint="index")
bp.add_url_rule("/organisations", view_func=views.organisations_tree, endpoint="organisations")
bp.add_url_rule("/organisations/new", view_func=views.organisation_new, methods=["GET", "POST"])
bp.add_url_rule(
    "/organisations/<int:org_id>/edit", view_func=views.organisation_edit, methods=["GET", "POST"]
)
bp.add_url_rule("/users", view_func=views.users, endpoint="users")
bp.add_url_rule("/users/new", view_func=views.user_new, methods=["GET", "POST"])
bp.add_url_rule("/users/<int:user_id>/edit", view_func=views.user_edit, methods=["GET", "POST"])
bp.add_url_rule("/users/<int:user_id>/roles", view_func=views.user_roles, methods=["GET", "POST"])
bp.add_url_rule("/users/<int:user_id>/password", view_func=views.user_password, methods=["GET", "POST"])
bp.add_url_rule("/users/<int:user_id>/active", view_func=views.user_active, methods=["POST"])
bp.add_url_rule("/users/<int:user_id>/deactivate", view_func=views.user_deactivate)
bp.add_url_rule("/clock", view_func=views.demo_clock_page, endpoint="demo_clock", methods=["GET", "POST"])
bp.add_url_rule("/audit", view_func=views.audit, endpoint="audit")
bp.add_url_rule("/rulesets", view_func=views.rulesets_page, endpoint="rulesets", methods=["GET", "POST"])
# security administration (安全管理员): login locks and the security policy
bp.add_url_rule("/security/locks", view_func=security_views.locks, endpoint="security_locks")
bp.add_url_rule(
    "/security/locks/lift", view_func=security_views.lift_lock, endpoint="security_lift", methods=["POST"]
)
bp.add_url_rule(
    "/security/policy", view_func=security_views.policy, endpoint="security_policy", methods=["GET", "POST"]
)
