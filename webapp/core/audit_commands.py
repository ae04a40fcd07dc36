"""``kaoping audit verify | checkpoint | purge``: the audit trail checked against its key and its checkpoint file,
the checkpoint file completed after an upgrade, and rows older than the retention period removed."""

from __future__ import annotations

from datetime import date

import click
from flask.cli import with_appcontext

from webapp.core import clock
from webapp.core.services import audit_chain


@click.group("audit")
def audit_group() -> None:
    """审计记录：校验、检查点、按保存期限清理。"""


@audit_group.command("verify")
@with_appcontext
def verify_command() -> None:
    """Check every chain, the MAC key, the checkpoint file and the subjects' states; exit 1 on the first
    problem (named in Chinese), 0 with counts when everything verifies."""
    report = audit_chain.verify_all()
    if report.ok:
        click.echo(report.summary())
        return
    click.echo(report.summary(), err=True)
    for problem in report.problems[1:10]:
        click.echo(f"  另：{problem.describe()}", err=True)
    raise SystemExit(1)


@audit_group.command("checkpoint")
@with_appcontext
def checkpoint_command() -> None:
    """Write the rows missing from the checkpoint file into it (once after upgrading; refuses if the trail does
    not verify)."""
    added, report = audit_chain.write_checkpoint()
    blocking = [p for p in report.problems if "校验文件中没有这条记录" not in p.reason]
    if blocking:
        click.echo(f"审计链校验未通过，未写入检查点：{blocking[0].describe()}", err=True)
        raise SystemExit(1)
    click.echo(f"检查点已更新：写入{added}行，共{report.rows}条审计记录。")


@audit_group.command("purge")
@click.option("--before", "before", required=True, help="YYYY-MM-DD：删除此日期之前的审计记录")
@click.option("--yes", is_flag=True, help="不再询问，直接删除")
@with_appcontext
def purge_command(before: str, yes: bool) -> None:
    """Delete audit rows dated before DATE, only when DATE is outside the retention period
    (AUDIT_RETENTION_DAYS, at least 180 days)."""
    try:
        day = date.fromisoformat(before.strip())
    except ValueError:
        raise click.BadParameter("日期格式应为 YYYY-MM-DD", param_hint="--before") from None
    cutoff = audit_chain.retention_cutoff(clock.today())
    if day > cutoff:
        click.echo(
            f"拒绝删除：{audit_chain.RETENTION_RULE}；保存期限为"
            f"{audit_chain.current_retention_days()}天，最多可删除{cutoff.isoformat()}之前的记录。",
            err=True,
        )
        raise SystemExit(2)
    if not yes:
        click.confirm(f"删除{day.isoformat()}之前的审计记录（先记入检查点文件）？", abort=True)
    try:
        removed = audit_chain.purge_before(day, clock.today())
    except audit_chain.RetentionRefused as exc:
        click.echo(f"拒绝删除：{exc}", err=True)
        raise SystemExit(2) from None
    click.echo(f"已删除{removed}条{day.isoformat()}之前的审计记录，并记入检查点文件。")


COMMANDS = [audit_group]
