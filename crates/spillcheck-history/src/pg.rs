//! The PostgreSQL backend: one shared history for many CI runners.
//!
//! The schema mirrors SQLite's, versioned in `spillcheck_schema` and migrated in one
//! transaction under an advisory lock (two runners starting at once do not both migrate).
//! Recording a run takes a per-target advisory lock inside its transaction, so runners
//! recording the same target one after the other compare each run with the right previous
//! one; run numbers come from a sequence and are never reused. Serialization failures and
//! deadlocks are retried.

use std::time::Duration;

use postgres::{Client, Transaction};
use spillcheck_core::Severity;

use crate::{HistoryError, Run, StoredFinding};

/// The schema, one migration per version (the same versions as SQLite's).
const MIGRATIONS: &[&str] = &[
    // 1: runs and their findings.
    "CREATE TABLE runs (
        id BIGSERIAL PRIMARY KEY,
        target TEXT NOT NULL,
        time BIGINT NOT NULL,
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
        seq BIGSERIAL PRIMARY KEY,
        run BIGINT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        fingerprint TEXT NOT NULL,
        rule_id TEXT NOT NULL,
        severity TEXT NOT NULL,
        title TEXT NOT NULL,
        message TEXT NOT NULL,
        path TEXT,
        line BIGINT,
        route TEXT
    );
    CREATE INDEX findings_by_run ON findings (run);",
    // 2: what was scanned (paths and URL as the report says), for display.
    "ALTER TABLE runs ADD COLUMN scanned TEXT NOT NULL DEFAULT '';",
];

/// The advisory lock key migrations take (any constant; "spillcheck" in ASCII).
const MIGRATION_LOCK: i64 = 0x0073_7069_6c6c_636b;

/// Times a transaction is retried after a serialization failure or a deadlock.
const RETRIES: usize = 20;

/// Connects: TLS (rustls, the system's roots) when the URL's `sslmode` asks for it or the
/// server offers it (`prefer`, the default); a 10 s connect timeout unless the URL sets one.
pub(crate) fn connect(url: &str, shown: &str) -> Result<Client, HistoryError> {
    let other = |detail: String| HistoryError::Other {
        path: shown.into(),
        detail,
    };
    let mut config: postgres::Config = url
        .parse()
        .map_err(|e: postgres::Error| other(format!("not a PostgreSQL URL: {e}")))?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(Duration::from_secs(10));
    }
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls_native_certs::load_native_certs().certs {
        let _ = roots.add(cert);
    }
    let tls = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| other(format!("TLS: {e}")))?
    .with_root_certificates(roots)
    .with_no_client_auth();
    config
        .connect(tokio_postgres_rustls::MakeRustlsConnect::new(tls))
        .map_err(|e| other(format!("cannot connect: {}", one_line(&e))))
}

/// An error's text on one line (the server's message and detail).
fn one_line(e: &postgres::Error) -> String {
    let text = if let Some(db) = e.as_db_error() {
        format!("{} ({})", db.message(), db.code().code())
    } else {
        let mut s = e.to_string();
        let mut source = std::error::Error::source(e);
        while let Some(inner) = source {
            s = format!("{s}: {inner}");
            source = inner.source();
        }
        s
    };
    text.replace('\n', " ")
}

fn error(shown: &str, e: &postgres::Error) -> HistoryError {
    HistoryError::Other {
        path: shown.into(),
        detail: one_line(e),
    }
}

/// Whether a failed transaction should simply run again.
fn retryable(e: &postgres::Error) -> bool {
    e.code().is_some_and(|c| {
        *c == postgres::error::SqlState::T_R_SERIALIZATION_FAILURE
            || *c == postgres::error::SqlState::T_R_DEADLOCK_DETECTED
    })
}

/// Runs `work` in a transaction, again (up to [`RETRIES`] times) when PostgreSQL asks for it.
fn with_retries<T>(
    client: &mut Client,
    shown: &str,
    mut work: impl FnMut(&mut Transaction<'_>) -> Result<T, postgres::Error>,
) -> Result<T, HistoryError> {
    let mut attempt = 0;
    loop {
        let result = client.transaction().and_then(|mut tx| {
            let value = work(&mut tx)?;
            tx.commit()?;
            Ok(value)
        });
        match result {
            Ok(v) => return Ok(v),
            Err(e) if retryable(&e) && attempt < RETRIES => {
                attempt += 1;
                std::thread::sleep(Duration::from_millis(10 * attempt as u64));
            }
            Err(e) => return Err(error(shown, &e)),
        }
    }
}

/// Brings the schema up to date (or refuses a newer one). Returns the version.
pub(crate) fn migrate(client: &mut Client, shown: &str) -> Result<i64, HistoryError> {
    let known = i64::try_from(MIGRATIONS.len()).unwrap_or(i64::MAX);
    let version = with_retries(client, shown, |tx| {
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS spillcheck_schema (version INTEGER NOT NULL);
             INSERT INTO spillcheck_schema (version)
                SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM spillcheck_schema);",
        )?;
        let version: i32 = tx
            .query_one("SELECT version FROM spillcheck_schema", &[])?
            .get(0);
        let version = i64::from(version);
        if version > known {
            return Ok(version);
        }
        for (i, sql) in MIGRATIONS
            .iter()
            .enumerate()
            .skip(usize::try_from(version).unwrap_or(0))
        {
            tx.batch_execute(sql)?;
            let next = i32::try_from(i + 1).unwrap_or(i32::MAX);
            tx.execute("UPDATE spillcheck_schema SET version = $1", &[&next])?;
        }
        Ok(version.max(known))
    })?;
    if version > known {
        return Err(HistoryError::Newer {
            path: shown.into(),
            version,
        });
    }
    Ok(version)
}

/// The schema version in use.
pub(crate) fn schema_version(client: &mut Client, shown: &str) -> Result<i64, HistoryError> {
    client
        .query_one("SELECT version FROM spillcheck_schema", &[])
        .map(|r| i64::from(r.get::<_, i32>(0)))
        .map_err(|e| error(shown, &e))
}

const RUN_COLUMNS: &str = "SELECT id, target, scanned, time, tool_version, score, grade, critical, high, medium, low, info, new, fixed FROM runs";

fn to_u32(v: i32) -> u32 {
    u32::try_from(v).unwrap_or(0)
}

fn to_i32(v: u32) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

fn run_row(r: &postgres::Row) -> Run {
    Run {
        id: r.get(0),
        target: r.get(1),
        scanned: r.get(2),
        time: r.get(3),
        tool_version: r.get(4),
        score: u8::try_from(r.get::<_, i32>(5)).unwrap_or(0),
        grade: r.get(6),
        critical: to_u32(r.get(7)),
        high: to_u32(r.get(8)),
        medium: to_u32(r.get(9)),
        low: to_u32(r.get(10)),
        info: to_u32(r.get(11)),
        new: to_u32(r.get(12)),
        fixed: to_u32(r.get(13)),
    }
}

fn findings_of(
    tx: &mut impl postgres::GenericClient,
    id: i64,
) -> Result<Vec<StoredFinding>, postgres::Error> {
    Ok(tx
        .query(
            "SELECT fingerprint, rule_id, severity, title, message, path, line, route
             FROM findings WHERE run = $1 ORDER BY seq",
            &[&id],
        )?
        .iter()
        .map(|r| StoredFinding {
            fingerprint: r.get(0),
            rule_id: r.get(1),
            severity: r.get::<_, String>(2).parse().unwrap_or(Severity::Info),
            title: r.get(3),
            message: r.get(4),
            path: r.get(5),
            line: r
                .get::<_, Option<i64>>(6)
                .and_then(|l| u32::try_from(l).ok()),
            route: r.get(7),
        })
        .collect())
}

/// Inserts a run and its findings; returns its id.
fn insert(
    tx: &mut Transaction<'_>,
    run: &Run,
    findings: &[StoredFinding],
) -> Result<i64, postgres::Error> {
    let id: i64 = tx
        .query_one(
            "INSERT INTO runs (target, scanned, time, tool_version, score, grade, critical, high, medium, low, info, new, fixed)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
            &[
                &run.target,
                &run.scanned,
                &run.time,
                &run.tool_version,
                &i32::from(run.score),
                &run.grade,
                &to_i32(run.critical),
                &to_i32(run.high),
                &to_i32(run.medium),
                &to_i32(run.low),
                &to_i32(run.info),
                &to_i32(run.new),
                &to_i32(run.fixed),
            ],
        )?
        .get(0);
    let statement = tx.prepare(
        "INSERT INTO findings (run, fingerprint, rule_id, severity, title, message, path, line, route)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )?;
    for f in findings {
        tx.execute(
            &statement,
            &[
                &id,
                &f.fingerprint,
                &f.rule_id,
                &f.severity.as_str(),
                &f.title,
                &f.message,
                &f.path,
                &f.line.map(i64::from),
                &f.route,
            ],
        )?;
    }
    Ok(id)
}

/// Records a run of `target`: under the target's advisory lock, the previous run is read,
/// `build` turns it (and its findings) into the new run, which is inserted. Returns the
/// previous run, its findings and the new run (with its id).
pub(crate) fn record<F>(
    client: &mut Client,
    shown: &str,
    target: &str,
    now: &[StoredFinding],
    mut build: F,
) -> Result<(Option<Run>, Vec<StoredFinding>, Run), HistoryError>
where
    F: FnMut(Option<&Run>, &[StoredFinding]) -> Run,
{
    with_retries(client, shown, |tx| {
        tx.execute("SELECT pg_advisory_xact_lock(hashtext($1))", &[&target])?;
        let previous = tx
            .query_opt(
                &format!("{RUN_COLUMNS} WHERE target = $1 ORDER BY id DESC LIMIT 1"),
                &[&target],
            )?
            .map(|r| run_row(&r));
        let before = match &previous {
            Some(p) => findings_of(tx, p.id)?,
            None => Vec::new(),
        };
        let mut run = build(previous.as_ref(), &before);
        run.id = insert(tx, &run, now)?;
        Ok((previous, before, run))
    })
}

/// Runs of `target` (or all), oldest first; the last `limit` when given.
pub(crate) fn runs(
    client: &mut Client,
    shown: &str,
    target: Option<&str>,
    limit: Option<usize>,
) -> Result<Vec<Run>, HistoryError> {
    let limit = i64::try_from(limit.unwrap_or(usize::MAX)).unwrap_or(i64::MAX);
    client
        .query(
            &format!(
                "SELECT * FROM ({RUN_COLUMNS} WHERE ($1::TEXT IS NULL OR target = $1) ORDER BY id DESC LIMIT $2) AS last ORDER BY id"
            ),
            &[&target, &limit],
        )
        .map(|rows| rows.iter().map(run_row).collect())
        .map_err(|e| error(shown, &e))
}

/// Every target, in the order first seen.
pub(crate) fn targets(client: &mut Client, shown: &str) -> Result<Vec<String>, HistoryError> {
    client
        .query(
            "SELECT target FROM runs GROUP BY target ORDER BY MIN(id)",
            &[],
        )
        .map(|rows| rows.iter().map(|r| r.get(0)).collect())
        .map_err(|e| error(shown, &e))
}

/// The findings of run `id`.
pub(crate) fn findings(
    client: &mut Client,
    shown: &str,
    id: i64,
) -> Result<Vec<StoredFinding>, HistoryError> {
    findings_of(client, id).map_err(|e| error(shown, &e))
}

/// Imports runs as they are (new ids, in order), in one transaction.
pub(crate) fn import(
    client: &mut Client,
    shown: &str,
    runs: &[(Run, Vec<StoredFinding>)],
) -> Result<usize, HistoryError> {
    with_retries(client, shown, |tx| {
        for (run, findings) in runs {
            insert(tx, run, findings)?;
        }
        Ok(runs.len())
    })
}
