"""Every exception helpline defines, in one tree. Each class lives beside the code that raises it;
this module holds the base and the branches, so a caller catches one class for one meaning.

    HelplineError                   every exception class in helpline_tui and importers
    ├── UserError                   said to the person as one sentence, never a traceback; the CLI
    │   │                           catches this class alone, and `usage` gives its exit code
    │   ├── Failure                 exit 1, nothing changed: bad input, a damaged directory, a failed
    │   │   │                       fetch, a file that cannot be written, a refused operation
    │   │   ├── SourceError             core.records: a source that cannot be imported (file, row, field)
    │   │   ├── FormatNotAvailable      importers: a format this install cannot read
    │   │   ├── DirectoryError          core.directory: a directory file that cannot be opened for reading
    │   │   ├── SchemaError             core.schema: a schema this helpline cannot read or migrate
    │   │   ├── ImportLocked            core.safe_write: another import holds the directory's lock
    │   │   ├── CannotWrite             core.safe_write: the directory file cannot be written there
    │   │   ├── DemoDirectoryRefused    core.import_refusals: an import into the demo directory, not confirmed
    │   │   ├── DemoBuildRefused        core.demo_build: a real directory where the demo would go
    │   │   ├── RepairRefused           core.doctor: a repair that cannot be done safely
    │   │   ├── NothingToRollBack       core.versions: no kept version to restore
    │   │   ├── SettingError            core.settings: a HELPLINE_* environment variable that is not valid
    │   │   ├── ReportError             core.report: a bad report option or an unreadable tally file
    │   │   ├── TallyError              core.tally: a tally file that cannot be used
    │   │   └── PlaceError              core.geo (also a ValueError): a place that cannot be found
    │   ├── UsageError              exit 2: a value helpline never accepts, as argparse's own errors
    │   ├── FilterError             core.search_types (also a ValueError) and
    │   └── CoverageError           core.coverage (also a ValueError): a value the person gave; `usage`
    │                               is set per value: a usage error when helpline never accepts it (an
    │                               unknown need, a malformed state), a failure when only this directory
    │                               cannot answer it (a place it cannot find, a missing tally file)
    └── Signal                      raised and caught inside helpline (most inside one module), never
        │                           shown: one reaching the person is a bug, so it is not a UserError
        │                           and stays a traceback
        ├── RowProblem              core.record_cleaning: a row to skip, with its field and reason
        ├── PartsMisaligned         core.records: a source cut inside a record; read it in one pass
        ├── Quit                    plain.session: the person asked to quit
        ├── _Retryable              importers.http: a download failure worth another attempt
        └── _Refused                importers.airs_xml: a file to refuse, said as a SourceError

No imports: core and importers use this module without depending on anything else.
"""

from __future__ import annotations


class HelplineError(Exception):
    """The base of every exception helpline defines."""


class UserError(HelplineError):
    """Said to the person as one sentence. `usage`: exit code 2 (a usage error) rather than 1."""

    usage: bool = False


class Failure(UserError):
    """Exit code 1 and nothing changed: what was asked could not be done with this input, directory,
    network or disk."""


class UsageError(UserError):
    """Exit code 2: a value helpline never accepts, however the directory looks."""

    usage = True


class Signal(HelplineError):
    """Raised and caught inside helpline; never shown to the person."""
