"""Signing in to the central server: where it is (host, port, database, or a whole connection string), who signs
in, how TLS is checked (verify-full with a CA file), and the password, which goes to the OS keyring, never to the
settings file.
"""

from __future__ import annotations

from dataclasses import dataclass

from psycopg.conninfo import conninfo_to_dict, make_conninfo
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

TLS_MODES = ("prefer", "require", "verify-ca", "verify-full", "disable")
"""libpq's sslmode values; verify-full checks the certificate against the CA file and the host name."""
_KEY = "sync/"


@dataclass(frozen=True)
class SyncConfig:
    """How this profile reaches the server (kept in the window's settings; never a password)."""

    user: str
    host: str = "localhost"
    port: int = 5432
    database: str = "bbschedule"
    dsn: str = ""
    """A whole libpq connection string; when given it wins over host, port and database."""
    tls_mode: str = "prefer"
    ca_file: str = ""

    @property
    def server(self) -> str:
        """The libpq connection string the sync client signs in with (user and password are passed apart)."""
        parts = dict(conninfo_to_dict(self.dsn)) if self.dsn else {}
        for secret in ("password", "user"):
            parts.pop(secret, None)
        if not self.dsn:
            parts.update(host=self.host, port=str(self.port), dbname=self.database)
        if self.tls_mode:
            parts["sslmode"] = self.tls_mode
        if self.ca_file:
            parts["sslrootcert"] = self.ca_file
        return make_conninfo("", **parts)

    def save(self, settings: QSettings) -> None:
        for name, value in (
            ("user", self.user), ("host", self.host), ("port", self.port), ("database", self.database),
            ("dsn", self.dsn), ("tls_mode", self.tls_mode), ("ca_file", self.ca_file),
        ):  # fmt: skip
            settings.setValue(_KEY + name, value)
        settings.sync()

    @classmethod
    def load(cls, settings: QSettings) -> SyncConfig | None:
        """The saved sign-in, or None when this profile never signed in."""
        user = str(settings.value(_KEY + "user", "") or "")
        if not user:
            return None
        try:
            port = int(str(settings.value(_KEY + "port", 5432)))
        except ValueError:
            port = 5432
        return cls(
            user=user,
            host=str(settings.value(_KEY + "host", "localhost") or "localhost"),
            port=port,
            database=str(settings.value(_KEY + "database", "bbschedule") or "bbschedule"),
            dsn=str(settings.value(_KEY + "dsn", "") or ""),
            tls_mode=str(settings.value(_KEY + "tls_mode", "prefer") or "prefer"),
            ca_file=str(settings.value(_KEY + "ca_file", "") or ""),
        )


def split_dsn(dsn: str) -> tuple[str, str | None, str | None]:
    """A pasted connection string without its user and password, and those two (a DSN may carry them)."""
    parts = dict(conninfo_to_dict(dsn))
    user, password = parts.pop("user", None), parts.pop("password", None)
    return make_conninfo("", **parts), None if user is None else str(user), None if password is None else str(password)


class SignInDialog(QDialog):
    """Server, user, password and TLS; `config()` and `password()` give what the planner entered."""

    def __init__(self, current: SyncConfig | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sign In to Server")
        c = current or SyncConfig(user="")
        self.host = QLineEdit(c.host, self)
        self.port = QSpinBox(self)
        self.port.setRange(1, 65535)
        self.port.setValue(c.port)
        self.database = QLineEdit(c.database, self)
        self.dsn = QLineEdit(c.dsn, self)
        self.dsn.setPlaceholderText("or a connection string: host=… port=… dbname=…")
        self.user = QLineEdit(c.user, self)
        self.password_edit = QLineEdit(self)
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember = QCheckBox("Keep the password in the system keyring", self)
        self.remember.setChecked(True)
        self.tls_mode = QComboBox(self)
        self.tls_mode.addItems(TLS_MODES)
        self.tls_mode.setCurrentText(c.tls_mode if c.tls_mode in TLS_MODES else "prefer")
        self.ca_file = QLineEdit(c.ca_file, self)
        browse = QPushButton("Browse…", self)
        browse.clicked.connect(self.on_browse_clicked)
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca_file)
        ca_row.addWidget(browse)
        self.error = QLabel(self)
        self.error.setStyleSheet("color: #b00020")
        self.error.setWordWrap(True)

        form = QFormLayout()
        form.addRow("Server host", self.host)
        form.addRow("Port", self.port)
        form.addRow("Database", self.database)
        form.addRow("Connection string", self.dsn)
        form.addRow("User", self.user)
        form.addRow("Password", self.password_edit)
        form.addRow("", self.remember)
        form.addRow("TLS", self.tls_mode)
        form.addRow("CA certificate", ca_row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Sign In")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def on_browse_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "CA certificate", "", "Certificates (*.crt *.pem);;All files (*)")
        if path:
            self.ca_file.setText(path)

    def problem(self) -> str | None:
        """What keeps the entries from being used, in words, or None."""
        if self.dsn.text().strip():
            try:
                _, dsn_user, _ = split_dsn(self.dsn.text().strip())
            except Exception as exc:  # psycopg.ProgrammingError: say what libpq said
                return f"The connection string is not valid: {exc}"
            if not self.user.text().strip() and not dsn_user:
                return "Enter the user name."
        elif not self.host.text().strip() or not self.database.text().strip():
            return "Enter the server host and database, or a connection string."
        elif not self.user.text().strip():
            return "Enter the user name."
        if self.tls_mode.currentText() in ("verify-ca", "verify-full") and not self.ca_file.text().strip():
            return f"TLS mode {self.tls_mode.currentText()} needs the CA certificate file."
        return None

    @override
    def accept(self) -> None:
        # refuses to close on entries that cannot work, saying why
        problem = self.problem()
        if problem is not None:
            self.error.setText(problem)
            return
        super().accept()

    def config(self) -> SyncConfig:
        dsn, dsn_user = self.dsn.text().strip(), None
        if dsn:
            dsn, dsn_user, _ = split_dsn(dsn)
        return SyncConfig(
            user=self.user.text().strip() or dsn_user or "",
            host=self.host.text().strip(),
            port=self.port.value(),
            database=self.database.text().strip(),
            dsn=dsn,
            tls_mode=self.tls_mode.currentText(),
            ca_file=self.ca_file.text().strip(),
        )

    def password(self) -> str | None:
        """The typed password, else one carried by a pasted connection string, else None."""
        if self.password_edit.text():
            return self.password_edit.text()
        if self.dsn.text().strip():
            return split_dsn(self.dsn.text().strip())[2]
        return None
