"""Sync in the window: a "Sync" menu (Sign In…, Sync Now, Conflicts…), one sync at a time on a pool thread, a
periodic background sync, the status-bar indicator (offline, syncing, up to date, N conflicts, local only), rows
from the server shown in the open project in place, projects that left the server marked and the planner told,
and viewers' projects read-only.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel, QMenu, QWidget
from typing_extensions import override

from bbschedule.core.changes import ChangeSet
from bbschedule.core.errors import ValidationError
from bbschedule.core.progress import Progress
from bbschedule.services.session import ProjectSession
from bbschedule.services.sync import SyncOutcome, read_remote_rows, run_sync
from bbschedule.storage.syncstate import DELETED, SyncedProject
from bbschedule.sync.conflicts import Conflict
from bbschedule.sync.credentials import store_password, stored_password
from bbschedule.sync.localstate import SyncState
from bbschedule.ui.conflicts_dialog import ConflictsDialog, resolution_command
from bbschedule.ui.project_tree_model import local_time
from bbschedule.ui.sync_signin import SignInDialog, SyncConfig
from bbschedule.ui.worker import Pool, TaskRunner

if TYPE_CHECKING:
    from bbschedule.ui.main_window import MainWindow

log = logging.getLogger(__name__)

DEFAULT_INTERVAL_S = 300
"""Background sync every five minutes (settings key sync/interval_s; 0 turns it off)."""

_FIRST_SYNC_MS = 3000
OFFLINE, SYNCING, UP_TO_DATE, CONFLICTS, SIGNED_OUT = "offline", "syncing", "up to date", "conflicts", "signed out"
LOCAL_ONLY = "local only"
"""The open project no longer syncs: deleted on the server, or no longer shared with this user (kept here)."""


class SyncStatus(QLabel):
    """The status-bar indicator: one word or two, the details in the tooltip."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("syncStatus")
        self.state = SIGNED_OUT
        self.conflicts = 0
        self.show_state(SIGNED_OUT, "Not signed in to a server (Sync ▸ Sign In…)")

    def show_state(self, state: str, detail: str = "", *, conflicts: int = 0) -> None:
        self.state, self.conflicts = state, conflicts
        text = {
            OFFLINE: "Offline", SYNCING: "Syncing…", UP_TO_DATE: "Up to date", SIGNED_OUT: "Not synced",
            LOCAL_ONLY: "Local only",
            CONFLICTS: f"{conflicts} conflict{'s' if conflicts != 1 else ''}",
        }[state]  # fmt: skip
        self.setText(f"⟳ {text}")
        self.setToolTip(detail or text)


class SyncController(QObject):
    sig_finished = Signal(object)
    """A sync ended: the SyncOutcome, or the exception that stopped it."""

    def __init__(self, window: MainWindow, *, pool: Pool | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.config = SyncConfig.load(window.settings)
        self.runner = TaskRunner(window, pool=pool)
        self.status = SyncStatus(window)
        self.conflicts: list[Conflict] = []
        self._password: str | None = None
        """Kept in memory for this run when the machine has no keyring."""
        self._state: SyncState | None = None
        self.detached: dict[str, SyncedProject] = {}
        """Projects kept here that no longer sync, as of the last sync."""
        self._summary_text = ""
        self.menu: QMenu | None = None
        self._again: list[int] | None = None
        """A sync asked for while one runs: run once more after it (with these conflicts to close)."""
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.sync_now)
        try:
            interval = int(str(window.settings.value("sync/interval_s", DEFAULT_INTERVAL_S)))
        except ValueError:  # a hand-edited settings file: fall back rather than fail to open the window
            interval = DEFAULT_INTERVAL_S
        if interval > 0:
            self.timer.start(interval * 1000)
        window.sig_project_opened.connect(self.on_project_opened)
        window.installEventFilter(self)
        if self.config is not None:
            self.status.show_state(OFFLINE, f"Signed in as {self.config.user}; not synced yet")
            QTimer.singleShot(_FIRST_SYNC_MS, self, self.sync_now)  # once the window is up, not before

    # -- sign-in ----------------------------------------------------------------------------------------------

    def show_sign_in(self) -> None:
        dialog = SignInDialog(self.config, self.window)
        if dialog.exec() == SignInDialog.DialogCode.Accepted:
            self.sign_in(dialog.config(), dialog.password(), remember=dialog.remember.isChecked())

    def sign_in(self, config: SyncConfig, password: str | None, *, remember: bool = True) -> None:
        """Keep the server and user in the settings and the password in the keyring (else in memory), then sync."""
        self.config = config
        config.save(self.window.settings)
        self._password = password
        if password is not None and remember and store_password(config.server, config.user, password):
            self._password = None  # the keyring has it: read it from there at each sync
        self.sync_now()

    # -- syncing ----------------------------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self.runner.busy

    def sync_now(self, resolved: Sequence[int] = ()) -> None:
        if self.config is None:
            self.status.show_state(SIGNED_OUT, "Not signed in to a server (Sync ▸ Sign In…)")
            return
        if self.runner.busy:  # one at a time: the cache takes one sync's writes, then the next
            self._again = [*(self._again or []), *resolved]
            return
        config, cache = self.config, self.window.workspace.cache
        password = self._password if self._password is not None else stored_password(config.server, config.user)
        session = self.window.session
        project_id = session.project_id if session is not None else None
        # Edits made while the sync runs: the copy the pool thread reads back may predate them.
        edits: list[ChangeSet] = []
        unsubscribe = session.subscribe(edits.append) if session is not None else (lambda: None)

        def work(_progress: Progress) -> SyncOutcome:
            return run_sync(
                cache, server=config.server, user=config.user, password=password, project_id=project_id,
                resolved=resolved,
            )  # fmt: skip

        def succeeded(outcome: SyncOutcome) -> None:
            unsubscribe()
            self._succeeded(outcome, session, edited=bool(edits))

        def failed(exc: BaseException) -> None:
            unsubscribe()
            self._failed(exc)

        self.status.show_state(SYNCING, f"Synchronising with the server as {config.user}")
        self.runner.run(
            work,
            title="Sync",
            on_success=succeeded,
            on_failure=failed,
            show_dialog=False,
        )

    def _succeeded(self, outcome: SyncOutcome, session: ProjectSession | None, *, edited: bool) -> None:
        self.conflicts = outcome.conflicts
        self.detached = outcome.detached
        self._summary_text = outcome.summary.to_text()
        count = outcome.open_conflicts
        if count:
            self.status.show_state(CONFLICTS, f"{count} open conflicts: Sync ▸ Conflicts…", conflicts=count)
        else:
            self._show_settled_state()
        self.window.refresh_catalog()
        if session is not None and session is self.window.session and outcome.remote:
            self._refresh_open_project(session, outcome.remote, edited=edited)
        current = self.window.session.project_id if self.window.session is not None else None
        for entry in outcome.summary.projects:
            if entry.project_id != current and (entry.pulled or entry.pushed):
                # A session kept for a project not on screen would show, and write back, rows the sync replaced:
                # opening it again reads the cache (its undo history is there too).
                self.window.workspace.forget_session(entry.project_id)
        for project_id in outcome.newly_detached:
            self.window.show_message(f"Sync: {self.detached_text(project_id)}")
        self.apply_role()
        self.sig_finished.emit(outcome)
        self._run_again()

    def _failed(self, exc: BaseException) -> None:
        self.status.show_state(OFFLINE, f"Offline: {exc}")
        self.window.show_message(f"Sync: {exc}")
        self.sig_finished.emit(exc)
        self._run_again()

    def _run_again(self) -> None:
        if self._again is not None:
            resolved, self._again = self._again, None
            self.sync_now(resolved)

    def _show_settled_state(self) -> None:
        """Up to date, or "local only" when the open project no longer syncs."""
        session = self.window.session
        if session is not None and session.project_id in self.detached:
            self.status.show_state(LOCAL_ONLY, self.detached_text(session.project_id))
        else:
            self.status.show_state(UP_TO_DATE, self._summary_text)

    def detached_text(self, project_id: str) -> str:
        detached = self.detached.get(project_id)
        found = self.window.workspace.cache.find_project(project_id)
        name = found.code if found is not None else project_id
        if detached is not None and detached.detached == DELETED:
            why = f"{name} was deleted on the server" + (f" by {detached.detached_by}" if detached.detached_by else "")
        else:
            why = f"{name} is no longer shared with you on the server"
        if detached is not None and detached.detached_at is not None:
            why += f" ({local_time(detached.detached_at)})"
        return f"{why}; your copy is kept here, with its unsent edits, and no longer syncs"

    def _refresh_open_project(
        self, session: ProjectSession, remote: dict[tuple[str, str], Any], *, edited: bool
    ) -> None:
        """Show the rows that came from the server in the open session, in place (selection, scroll and the undo
        entries they do not touch are kept: see ProjectSession.take_remote)."""
        cache = self.window.workspace.cache
        if edited:  # typed while the sync ran: the pool thread's copy may predate it; the cache holds both
            remote = read_remote_rows(cache, session.project_id, set(remote))
        try:
            change_set, dropped = session.take_remote(remote)
        except ValidationError as exc:  # rows that do not fit the open copy: read the whole project again
            log.warning("pulled rows do not fit the open project (%s): reopening it from the cache", exc)
            self._reopen(session)
            return
        if change_set:
            count = len(change_set.changes)
            text = f"Sync: {count} change{'s' if count != 1 else ''} from the server shown"
            if dropped:
                text += f"; {dropped} undo step{'s' if dropped != 1 else ''} that touched them dropped"
            self.window.show_message(text)

    def _reopen(self, session: ProjectSession) -> None:
        session.save()
        self.window.workspace.forget_session(session.project_id)
        self.window.open_project(session.project_id)
        self.window.show_message("Sync: the project was reopened with the rows from the server")

    # -- roles and conflicts ----------------------------------------------------------------------------------

    def role(self, project_id: str) -> str | None:
        if self._state is None:
            self._state = SyncState(self.window.workspace.cache)
        return self._state.role(project_id)

    def on_project_opened(self, _project_id: str) -> None:
        self.apply_role()
        if self.status.state in (UP_TO_DATE, LOCAL_ONLY):
            self._show_settled_state()

    def apply_role(self) -> None:
        """A viewer's project is read-only: the session refuses edits, the edit actions go grey."""
        session = self.window.session
        if session is None:
            return
        read_only = self.role(session.project_id) == "viewer"
        if session.read_only != read_only:
            session.read_only = read_only
            self.window.update_actions()
            if read_only:
                self.window.show_message("You are a viewer of this project: it is read-only")

    def show_conflicts(self) -> None:
        session = self.window.session
        if session is None or not self.conflicts or self.conflicts[0].project_id != session.project_id:
            self.window.show_message("Sync: no open conflicts in this project (as of the last sync)")
            return
        dialog = ConflictsDialog(self.conflicts, session.data, self.window)
        if dialog.exec() == ConflictsDialog.DialogCode.Accepted:
            self.resolve(dialog.picks())

    def resolve(self, picks: Sequence[tuple[Conflict, bool]]) -> None:
        """The "mine" picks as one undoable step through the session; the conflicts are closed on the server by
        the sync that pushes them."""
        session = self.window.session
        if session is None or not picks:
            return
        try:
            command = resolution_command(session.data, picks)
            if command is not None:
                session.apply(command)
        except ValidationError as exc:
            self.window.show_error("Resolve conflicts", exc)
            return
        self.sync_now([conflict.id for conflict, _ in picks])

    # -- closing ----------------------------------------------------------------------------------------------

    @override
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Close:
            self.timer.stop()
            self.runner.stop_all()  # a sync must not be writing the cache while the window closes it
        return False


def install_sync(window: MainWindow, *, pool: Pool | None = None) -> SyncController:
    """Add the Sync menu and the status indicator to a MainWindow, through its public API only."""
    controller = SyncController(window, pool=pool)
    menu = QMenu("&Sync", window)
    menu.setObjectName("syncMenu")
    sign_in = menu.addAction("Sign &In…")
    sign_in.triggered.connect(controller.show_sign_in)
    sync_now = menu.addAction("Sync &Now")
    sync_now.setShortcut("F5")  # F9 schedules, as in P6
    sync_now.triggered.connect(lambda: controller.sync_now())
    conflicts = menu.addAction("&Conflicts…")
    conflicts.triggered.connect(controller.show_conflicts)
    bar = window.menuBar()
    help_menu = next((a for a in bar.actions() if a.text().replace("&", "") == "Help"), None)
    if help_menu is not None:
        bar.insertMenu(help_menu, menu)
    else:
        bar.addMenu(menu)
    window.statusBar().addPermanentWidget(controller.status)
    controller.menu = menu
    controller.apply_role()
    return controller
