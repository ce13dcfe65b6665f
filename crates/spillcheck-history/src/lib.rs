//! The scan history: every recorded run of a target, with its score, grade and
//! findings, in an embedded SQLite database (`.spillcheck/history.db` by default) or, for a
//! team whose CI runners all record to one place, a PostgreSQL server (`postgres://…`).
//!
//! - [`History::open`] creates or opens the database and applies the schema
//!   migrations (versioned by `PRAGMA user_version`, each in its own transaction).
//!   A file that is not a database, a database from a newer spillcheck, or a lock
//!   held too long are clear errors; the file is never rewritten or deleted.
//! - [`History::record`] stores a finished, already redacted report and compares it
//!   with the previous run of the same target: new and fixed findings (by
//!   fingerprint) and the score change.
//! - [`History::runs`] and [`History::trend`] read it back for `spillcheck history`
//!   and the HTML report's trend chart.
#![deny(missing_docs)]

mod pg;

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OptionalExtension as _, params};
use serde::{Deserialize, Serialize};
use spillcheck_core::{Report, Severity};

pub use spillcheck_core::time::format_utc;

/// The default database, relative to the working directory.
pub const DEFAULT_PATH: &str = ".spillcheck/history.db";

/// How long a write waits for another process's lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The schema, one migration per version. Never edit a released migration: add one.
const MIGRATIONS: &[&str] = &[
    // 1: runs and their findings.
    "CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        target TEXT NOT NULL,
        time INTEGER NOT NULL,
        tool_version TEXT NOT NULL,
        score INTEGER NOT NULL,
        grade TEXT NOT NULL,
        critical INTEGER NOT NULL,
        high INTEGER NOT NULL,
        medium INTEGER NOT NULL,
        low INTEGER NOT NULL,
        info INTEGER NOT NULL,
        new INTEGER NOT NULL,
        fixed INTEGER NOT NULL
    );
    CREATE INDEX runs_by_target ON runs (target, id);
    CREATE TABLE findings (
        run INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        fingerprint TEXT NOT NULL,
        rule_id TEXT NOT NULL,
        severity TEXT NOT NULL,
        title TEXT NOT NULL,
        message TEXT NOT NULL,
        path TEXT,
        line INTEGER,
        route TEXT
    );
    CREATE INDEX findings_by_run ON findings (run);",
    // 2: what was scanned (paths and URL as the report says), for display.
    "ALTER TABLE runs ADD COLUMN scanned TEXT NOT NULL DEFAULT '';",
];

/// What went wrong with the database. The file is left as it was in every case.
#[derive(Debug)]
pub enum HistoryError {
    /// The file exists but is not a (healthy) SQLite database.
    Corrupt {
        /// The database file.
        path: PathBuf,
        /// SQLite's words.
        detail: String,
    },
    /// Another process held the database locked longer than the busy timeout.
    Locked {
        /// The database file.
        path: PathBuf,
    },
    /// The schema is newer than this spillcheck knows.
    Newer {
        /// The database file.
        path: PathBuf,
        /// Its schema version.
        version: i64,
    },
    /// Anything else (permissions, full disk...).
    Other {
        /// The database file.
        path: PathBuf,
        /// What happened.
        detail: String,
    },
}

impl fmt::Display for HistoryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HistoryError::Corrupt { path, detail } => write!(
                f,
                "history database {} is damaged or not a spillcheck database ({detail}); it was left untouched: move it aside to start a new one",
                path.display()
            ),
            HistoryError::Locked { path } => write!(
                f,
                "history database {} is locked by another process (waited {} s); nothing was written",
                path.display(),
                BUSY_TIMEOUT.as_secs()
            ),
            HistoryError::Newer { path, version } => write!(
                f,
                "history database {} has schema version {version}, newer than this spillcheck knows ({}); upgrade spillcheck",
                path.display(),
                MIGRATIONS.len()
            ),
            HistoryError::Other { path, detail } => {
                write!(f, "history database {}: {detail}", path.display())
            }
        }
    }
}

impl std::error::Error for HistoryError {}

/// One recorded run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Run {
    /// The run's number in the database.
    pub id: i64,
    /// The target's name (a monitor target's `name`, or what was scanned).
    pub target: String,
    /// What was scanned: paths and URL.
    pub scanned: String,
    /// When, in seconds since the Unix epoch.
    pub time: i64,
    /// The spillcheck version that ran.
    pub tool_version: String,
    /// 0–100.
    pub score: u8,
    /// A–F.
    pub grade: String,
    /// Findings counted, by severity.
    pub critical: u32,
    /// High findings.
    pub high: u32,
    /// Medium findings.
    pub medium: u32,
    /// Low findings.
    pub low: u32,
    /// Info findings.
    pub info: u32,
    /// Findings absent from the previous run of the target.
    pub new: u32,
    /// Findings of the previous run gone from this one.
    pub fixed: u32,
}

impl Run {
    /// All findings of the run.
    pub fn findings(&self) -> u32 {
        self.critical + self.high + self.medium + self.low + self.info
    }
}

/// A finding as the history keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredFinding {
    /// Its fingerprint (stable across runs).
    pub fingerprint: String,
    /// SC…
    pub rule_id: String,
    /// Its severity.
    pub severity: Severity,
    /// The rule's title.
    pub title: String,
    /// The finding's message (redacted).
    pub message: String,
    /// Source file, if any.
    pub path: Option<String>,
    /// Source line, if any.
    pub line: Option<u32>,
    /// `METHOD /path`, if any.
    pub route: Option<String>,
}

impl StoredFinding {
    /// Where it is: `file:line`, the route, or nothing.
    pub fn place(&self) -> String {
        match (&self.path, self.line, &self.route) {
            (Some(p), Some(l), _) => format!("{p}:{l}"),
            (Some(p), None, _) => p.clone(),
            (None, _, Some(r)) => r.clone(),
            _ => String::new(),
        }
    }
}

/// A run compared with the previous run of its target.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    /// The run just recorded.
    pub run: Run,
    /// The previous run, if the target had one.
    pub previous: Option<Run>,
    /// Findings absent from the previous run (all of them on a first run).
    pub new: Vec<StoredFinding>,
    /// Findings of the previous run gone from this one.
    pub fixed: Vec<StoredFinding>,
}

impl Comparison {
    /// Score now minus score before (0 on a first run).
    pub fn score_change(&self) -> i32 {
        self.previous
            .as_ref()
            .map_or(0, |p| i32::from(self.run.score) - i32::from(p.score))
    }
}

/// A point of a target's score over time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrendPoint {
    /// Seconds since the Unix epoch.
    pub time: i64,
    /// 0–100.
    pub score: u8,
    /// A–F.
    pub grade: String,
}

/// Brings a SQLite database's schema up to date (each migration in its transaction).
fn migrate(conn: &mut Connection, path: &Path) -> Result<(), HistoryError> {
    // Reading the header is where a file that is not a database shows itself.
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| classify(path, &e))?;
    let known = i64::try_from(MIGRATIONS.len()).unwrap_or(i64::MAX);
    if version > known {
        return Err(HistoryError::Newer {
            path: path.to_path_buf(),
            version,
        });
    }
    for (i, sql) in MIGRATIONS
        .iter()
        .enumerate()
        .skip(usize::try_from(version).unwrap_or(0))
    {
        let next = i64::try_from(i + 1).unwrap_or(i64::MAX);
        let tx = conn.transaction().map_err(|e| classify(path, &e))?;
        tx.execute_batch(sql).map_err(|e| classify(path, &e))?;
        tx.pragma_update(None, "user_version", next)
            .map_err(|e| classify(path, &e))?;
        tx.commit().map_err(|e| classify(path, &e))?;
    }
    conn.execute_batch("PRAGMA foreign_keys = ON")
        .map_err(|e| classify(path, &e))
}

/// Whether `db` names a PostgreSQL server (`postgres://` or `postgresql://`) rather than a
/// SQLite file.
pub fn is_server(db: &Path) -> bool {
    db.to_str()
        .is_some_and(|s| s.starts_with("postgres://") || s.starts_with("postgresql://"))
}

/// How a database is named in messages: a server URL with its password redacted.
pub fn shown(db: &Path) -> PathBuf {
    match db.to_str() {
        Some(s) if is_server(db) => {
            PathBuf::from(spillcheck_core::Redactor::new().scrub(s).into_owned())
        }
        _ => db.to_path_buf(),
    }
}

enum Backend {
    Sqlite(Connection),
    Postgres(Box<postgres::Client>),
}

/// An open history database.
pub struct History {
    backend: Backend,
    /// The file, or the server's URL redacted (for messages).
    path: PathBuf,
}

fn classify(path: &Path, err: &rusqlite::Error) -> HistoryError {
    let path = path.to_path_buf();
    match err.sqlite_error_code() {
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => HistoryError::Corrupt {
            path,
            detail: err.to_string(),
        },
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => HistoryError::Locked { path },
        _ => HistoryError::Other {
            path,
            detail: err.to_string(),
        },
    }
}

impl History {
    /// Opens (creating it and its folder if needed) the database at `path` and brings
    /// its schema up to date.
    pub fn open(path: &Path) -> Result<History, HistoryError> {
        if is_server(path) {
            let shown = shown(path);
            let text = shown.display().to_string();
            let url = path.to_str().unwrap_or_default();
            let mut client = pg::connect(url, &text)?;
            pg::migrate(&mut client, &text)?;
            return Ok(History {
                backend: Backend::Postgres(Box::new(client)),
                path: shown,
            });
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| HistoryError::Other {
                path: path.to_path_buf(),
                detail: format!("cannot create {}: {e}", dir.display()),
            })?;
        }
        let mut conn = Connection::open(path).map_err(|e| classify(path, &e))?;
        conn.busy_timeout(BUSY_TIMEOUT)
            .map_err(|e| classify(path, &e))?;
        migrate(&mut conn, path)?;
        Ok(History {
            backend: Backend::Sqlite(conn),
            path: path.to_path_buf(),
        })
    }

    /// What the database is called in messages (a server's password redacted).
    pub fn name(&self) -> &Path {
        &self.path
    }

    /// Opens the database only if the file exists (for readers: `history`, the HTML
    /// report's trend), without creating anything.
    pub fn open_existing(path: &Path) -> Result<Option<History>, HistoryError> {
        if is_server(path) || path.is_file() {
            History::open(path).map(Some)
        } else {
            Ok(None)
        }
    }

    /// The schema version in use.
    pub fn schema_version(&mut self) -> Result<i64, HistoryError> {
        let shown = self.path.display().to_string();
        match &mut self.backend {
            Backend::Sqlite(conn) => conn
                .query_row("PRAGMA user_version", [], |r| r.get(0))
                .map_err(|e| classify(&self.path, &e)),
            Backend::Postgres(client) => pg::schema_version(client, &shown),
        }
    }

    /// Records `report` (already redacted) as a run of `target` at `time` (Unix
    /// seconds) and compares it with the target's previous run. One transaction that
    /// reads the previous run and writes the new one, so concurrent recorders of one
    /// target are ordered: a failure leaves the database as it was.
    pub fn record(
        &mut self,
        target: &str,
        report: &Report,
        time: i64,
    ) -> Result<Comparison, HistoryError> {
        let now: Vec<StoredFinding> = report.findings.iter().map(stored).collect();
        let build = |previous: Option<&Run>, before: &[StoredFinding]| {
            let _ = previous;
            new_run(target, report, time, before, &now)
        };
        let shown = self.path.display().to_string();
        let (previous, before, run) = match &mut self.backend {
            Backend::Sqlite(conn) => sqlite_record(conn, &self.path, target, &now, build)?,
            Backend::Postgres(client) => pg::record(client, &shown, target, &now, build)?,
        };
        let (new, fixed) = difference(&before, &now);
        Ok(Comparison {
            run,
            previous,
            new,
            fixed,
        })
    }

    /// The runs of `target` (every target when `None`), oldest first; the last
    /// `limit` of them when given.
    pub fn runs(
        &mut self,
        target: Option<&str>,
        limit: Option<usize>,
    ) -> Result<Vec<Run>, HistoryError> {
        let shown = self.path.display().to_string();
        match &mut self.backend {
            Backend::Sqlite(conn) => {
                let limit = i64::try_from(limit.unwrap_or(usize::MAX)).unwrap_or(i64::MAX);
                let err = |e: &rusqlite::Error| classify(&self.path, e);
                let mut stmt = conn
                    .prepare(&format!(
                        "SELECT * FROM ({RUN_COLUMNS} WHERE (?1 IS NULL OR target = ?1) ORDER BY id DESC LIMIT ?2) ORDER BY id"
                    ))
                    .map_err(|e| err(&e))?;
                let rows = stmt
                    .query_map(params![target, limit], run_row)
                    .map_err(|e| err(&e))?;
                rows.collect::<Result<Vec<_>, _>>().map_err(|e| err(&e))
            }
            Backend::Postgres(client) => pg::runs(client, &shown, target, limit),
        }
    }

    /// Every target recorded, in the order first seen.
    pub fn targets(&mut self) -> Result<Vec<String>, HistoryError> {
        let shown = self.path.display().to_string();
        match &mut self.backend {
            Backend::Sqlite(conn) => {
                let err = |e: &rusqlite::Error| classify(&self.path, e);
                let mut stmt = conn
                    .prepare("SELECT target FROM runs GROUP BY target ORDER BY MIN(id)")
                    .map_err(|e| err(&e))?;
                let rows = stmt
                    .query_map([], |r| r.get::<_, String>(0))
                    .map_err(|e| err(&e))?;
                rows.collect::<Result<Vec<_>, _>>().map_err(|e| err(&e))
            }
            Backend::Postgres(client) => pg::targets(client, &shown),
        }
    }

    /// The score of `target` over time, oldest first (the last 200 runs).
    pub fn trend(&mut self, target: &str) -> Result<Vec<TrendPoint>, HistoryError> {
        Ok(self
            .runs(Some(target), Some(200))?
            .into_iter()
            .map(|r| TrendPoint {
                time: r.time,
                score: r.score,
                grade: r.grade,
            })
            .collect())
    }

    /// The findings recorded for run `id`.
    pub fn findings(&mut self, id: i64) -> Result<Vec<StoredFinding>, HistoryError> {
        let shown = self.path.display().to_string();
        match &mut self.backend {
            Backend::Sqlite(conn) => {
                sqlite_findings(conn, id).map_err(|e| classify(&self.path, &e))
            }
            Backend::Postgres(client) => pg::findings(client, &shown, id),
        }
    }

    /// Every run with its findings, oldest first (`spillcheck history --export`).
    pub fn export(&mut self) -> Result<Vec<(Run, Vec<StoredFinding>)>, HistoryError> {
        let runs = self.runs(None, None)?;
        let mut out = Vec::with_capacity(runs.len());
        for run in runs {
            let findings = self.findings(run.id)?;
            out.push((run, findings));
        }
        Ok(out)
    }

    /// Adds exported runs as they were (their comparisons kept, new run numbers), in one
    /// transaction. Returns how many.
    pub fn import(&mut self, runs: &[(Run, Vec<StoredFinding>)]) -> Result<usize, HistoryError> {
        let shown = self.path.display().to_string();
        match &mut self.backend {
            Backend::Sqlite(conn) => {
                let tx = conn
                    .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                    .map_err(|e| classify(&self.path, &e))?;
                for (run, findings) in runs {
                    sqlite_insert(&tx, run, findings).map_err(|e| classify(&self.path, &e))?;
                }
                tx.commit().map_err(|e| classify(&self.path, &e))?;
                Ok(runs.len())
            }
            Backend::Postgres(client) => pg::import(client, &shown, runs),
        }
    }
}

/// The run `report` makes of `target`, compared with the previous run's findings.
fn new_run(
    target: &str,
    report: &Report,
    time: i64,
    before: &[StoredFinding],
    now: &[StoredFinding],
) -> Run {
    let (new, fixed) = difference(before, now);
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    let counts = |s: Severity| count(now.iter().filter(|f| f.severity == s).count());
    Run {
        id: 0,
        target: target.to_owned(),
        scanned: report.target.describe(" "),
        time,
        tool_version: report.tool.version.clone(),
        score: report.score,
        grade: format!("{:?}", report.grade),
        critical: counts(Severity::Critical),
        high: counts(Severity::High),
        medium: counts(Severity::Medium),
        low: counts(Severity::Low),
        info: counts(Severity::Info),
        new: count(new.len()),
        fixed: count(fixed.len()),
    }
}

/// SQLite's record: an immediate transaction (the write lock taken before the previous
/// run is read, so two processes recording one target are ordered).
fn sqlite_record(
    conn: &mut Connection,
    path: &Path,
    target: &str,
    now: &[StoredFinding],
    mut build: impl FnMut(Option<&Run>, &[StoredFinding]) -> Run,
) -> Result<(Option<Run>, Vec<StoredFinding>, Run), HistoryError> {
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(|e| classify(path, &e))?;
    let previous = tx
        .query_row(
            &format!("{RUN_COLUMNS} WHERE target = ?1 ORDER BY id DESC LIMIT 1"),
            [target],
            run_row,
        )
        .optional()
        .map_err(|e| classify(path, &e))?;
    let before = match &previous {
        Some(p) => sqlite_findings(&tx, p.id).map_err(|e| classify(path, &e))?,
        None => Vec::new(),
    };
    let mut run = build(previous.as_ref(), &before);
    run.id = sqlite_insert(&tx, &run, now).map_err(|e| classify(path, &e))?;
    tx.commit().map_err(|e| classify(path, &e))?;
    Ok((previous, before, run))
}

fn sqlite_insert(
    tx: &rusqlite::Transaction<'_>,
    run: &Run,
    findings: &[StoredFinding],
) -> rusqlite::Result<i64> {
    tx.execute(
        "INSERT INTO runs (target, scanned, time, tool_version, score, grade, critical, high, medium, low, info, new, fixed)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        params![
            run.target,
            run.scanned,
            run.time,
            run.tool_version,
            run.score,
            run.grade,
            run.critical,
            run.high,
            run.medium,
            run.low,
            run.info,
            run.new,
            run.fixed
        ],
    )?;
    let id = tx.last_insert_rowid();
    let mut insert = tx.prepare(
        "INSERT INTO findings (run, fingerprint, rule_id, severity, title, message, path, line, route)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    for f in findings {
        insert.execute(params![
            id,
            f.fingerprint,
            f.rule_id,
            f.severity.as_str(),
            f.title,
            f.message,
            f.path,
            f.line,
            f.route
        ])?;
    }
    Ok(id)
}

fn sqlite_findings(conn: &Connection, id: i64) -> rusqlite::Result<Vec<StoredFinding>> {
    let mut stmt = conn.prepare(
        "SELECT fingerprint, rule_id, severity, title, message, path, line, route
         FROM findings WHERE run = ?1 ORDER BY rowid",
    )?;
    let rows = stmt.query_map([id], |r| {
        let severity: String = r.get(2)?;
        Ok(StoredFinding {
            fingerprint: r.get(0)?,
            rule_id: r.get(1)?,
            severity: severity.parse().unwrap_or(Severity::Info),
            title: r.get(3)?,
            message: r.get(4)?,
            path: r.get(5)?,
            line: r.get(6)?,
            route: r.get(7)?,
        })
    })?;
    rows.collect()
}

const RUN_COLUMNS: &str = "SELECT id, target, scanned, time, tool_version, score, grade, critical, high, medium, low, info, new, fixed FROM runs";

fn run_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Run> {
    Ok(Run {
        id: r.get(0)?,
        target: r.get(1)?,
        scanned: r.get(2)?,
        time: r.get(3)?,
        tool_version: r.get(4)?,
        score: r.get(5)?,
        grade: r.get(6)?,
        critical: r.get(7)?,
        high: r.get(8)?,
        medium: r.get(9)?,
        low: r.get(10)?,
        info: r.get(11)?,
        new: r.get(12)?,
        fixed: r.get(13)?,
    })
}

fn stored(f: &spillcheck_core::Finding) -> StoredFinding {
    StoredFinding {
        fingerprint: f.fingerprint.clone(),
        rule_id: f.rule_id.clone(),
        severity: f.severity,
        title: f.title.clone(),
        message: f.message.clone(),
        path: f.location.as_ref().map(|l| l.path.clone()),
        line: f.location.as_ref().map(|l| l.line),
        route: f.route.as_ref().map(|r| format!("{} {}", r.method, r.path)),
    }
}

/// (in `now` but not `before`, in `before` but not `now`), by fingerprint.
fn difference(
    before: &[StoredFinding],
    now: &[StoredFinding],
) -> (Vec<StoredFinding>, Vec<StoredFinding>) {
    let had: HashSet<&str> = before.iter().map(|f| f.fingerprint.as_str()).collect();
    let has: HashSet<&str> = now.iter().map(|f| f.fingerprint.as_str()).collect();
    let new = now
        .iter()
        .filter(|f| !had.contains(f.fingerprint.as_str()))
        .cloned()
        .collect();
    let fixed = before
        .iter()
        .filter(|f| !has.contains(f.fingerprint.as_str()))
        .cloned()
        .collect();
    (new, fixed)
}
