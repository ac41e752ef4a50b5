"""What an import did or would do: totals, per-row per-column errors, a sample of rows."""

from dataclasses import dataclass, field

SAMPLE_ROWS = 10
OUTCOMES = {"new": "Création", "update": "Mise à jour", "skip": "Inchangée"}


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    value: str
    message: str


@dataclass
class ImportReport:
    kind: str
    dry_run: bool
    total_rows: int = 0
    new: int = 0
    update: int = 0
    skip: int = 0
    invalid: int = 0  # rows with at least one error
    errors: list = field(default_factory=list)  # RowError
    general_errors: list = field(default_factory=list)
    ignored_columns: list = field(default_factory=list)
    sample: list = field(default_factory=list)  # (line, what happens, row), first rows
    seconds: float = 0.0

    @property
    def ok(self):
        return not (self.errors or self.general_errors or self.invalid)

    @property
    def imported(self):
        """Rows written (or, in a dry run, that would be written)."""
        return self.new + self.update

    @property
    def rows_per_second(self):
        return round(self.total_rows / self.seconds) if self.seconds else 0
