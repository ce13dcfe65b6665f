//! Scanning files for secrets: plain text, `.gz` and JSON lines, streamed in
//! newline-aligned chunks through a bounded channel, so memory stays bounded
//! whatever the file size; chunks are scanned on every core. Findings are grouped
//! per distinct secret: a log holding a million copies of one token is one group.

use std::collections::HashMap;
use std::fs::File;
use std::hash::{Hash, Hasher};
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::mpsc::sync_channel;

use crate::detect::{Detection, Scanner};

/// Chunk size for streaming; a line longer than this is split (and may be missed
/// at the split point, which the summary notes).
const CHUNK: usize = 4 * 1024 * 1024;
/// Chunks in flight per file: bounds memory to about `CHUNK × (QUEUE + threads)`.
const QUEUE: usize = 4;
/// Distinct secrets tracked; beyond this only counts are kept.
const MAX_GROUPS: usize = 100_000;
/// Longest line kept as evidence.
const EVIDENCE_CHARS: usize = 300;

/// Where a secret was seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// File (as given or relative to the walk root).
    pub path: String,
    /// 1-based line.
    pub line: u64,
    /// 1-based column (bytes).
    pub column: u64,
}

/// One distinct secret and where it occurs.
#[derive(Debug, Clone)]
pub struct Group {
    /// The detector that found it.
    pub detector: &'static str,
    /// The secret (never shown whole; findings register it for redaction).
    pub secret: String,
    /// How many times it occurs.
    pub count: u64,
    /// First occurrence (in scan order: by file, then line).
    pub first: Place,
    /// Last occurrence.
    pub last: Place,
    /// The first line it was seen on, cut to a readable length.
    pub evidence: String,
}

/// The result of scanning some files.
#[derive(Debug, Default)]
pub struct ScanResult {
    /// Distinct secrets, in order of first appearance.
    pub groups: Vec<Group>,
    /// Bytes scanned (decompressed).
    pub bytes: u64,
    /// Files scanned.
    pub files: u64,
    /// Files skipped or cut short, with the reason (one line each).
    pub notes: Vec<(String, String)>,
    /// Secrets not tracked individually because `MAX_GROUPS` was reached.
    pub untracked: u64,
}

/// How files are read.
#[derive(Debug, Clone, Copy, Default)]
pub struct ScanOptions {
    /// Treat the files as Python source (generic assignments are left to the code rules).
    pub python: bool,
}

fn key(detector: &str, secret: &str) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    detector.hash(&mut h);
    secret.hash(&mut h);
    h.finish()
}

#[derive(Default)]
struct Groups {
    map: HashMap<u64, usize>,
    list: Vec<Group>,
    untracked: u64,
}

impl Groups {
    fn add(&mut self, d: &Detection, place: Place, line: &str) {
        let k = key(d.detector, &d.secret);
        if let Some(&i) = self.map.get(&k) {
            let g = &mut self.list[i];
            g.count += 1;
            if (&place.path, place.line) < (&g.first.path, g.first.line) {
                g.first = place.clone();
                g.evidence = evidence(line);
            }
            if (&place.path, place.line) > (&g.last.path, g.last.line) {
                g.last = place;
            }
            return;
        }
        if self.list.len() >= MAX_GROUPS {
            self.untracked += 1;
            return;
        }
        self.map.insert(k, self.list.len());
        self.list.push(Group {
            detector: d.detector,
            secret: d.secret.clone(),
            count: 1,
            first: place.clone(),
            last: place,
            evidence: evidence(line),
        });
    }
}

fn evidence(line: &str) -> String {
    let mut s: String = line.chars().take(EVIDENCE_CHARS).collect();
    if line.chars().count() > EVIDENCE_CHARS {
        s.push('…');
    }
    s
}

/// Scans one chunk (whole lines); `first_line` is the line number of its first byte.
/// Only lines holding a keyword are decoded and handed to the detectors.
fn scan_chunk(
    scanner: &Scanner,
    bytes: &[u8],
    first_line: u64,
    path: &str,
    options: ScanOptions,
    out: &mut Vec<(Detection, Place, String)>,
) {
    let mut line_no = first_line;
    let mut counted_to = 0usize;
    let mut next_line_start = 0usize;
    let mut found = Vec::new();
    for m in scanner.hits(bytes) {
        if m < next_line_start {
            continue; // this line was scanned already
        }
        let start = memchr::memrchr(b'\n', &bytes[..m]).map_or(0, |i| i + 1);
        let end = memchr::memchr(b'\n', &bytes[m..]).map_or(bytes.len(), |i| m + i);
        next_line_start = end + 1;
        line_no += u64::try_from(memchr::memchr_iter(b'\n', &bytes[counted_to..start]).count())
            .unwrap_or(0);
        counted_to = start;
        let text = String::from_utf8_lossy(&bytes[start..end]);
        let line = text.trim_end_matches('\r');
        found.clear();
        scanner.scan_line(line, options.python, &mut found);
        for d in found.drain(..) {
            let column = u64::try_from(line[..d.start].len() + 1).unwrap_or(1);
            out.push((
                d,
                Place {
                    path: path.to_owned(),
                    line: line_no,
                    column,
                },
                line.to_owned(),
            ));
        }
    }
}

/// Scans text already in memory (one chunk, as a file's content would be read): the
/// same detectors, grouping and line numbers as [`scan_files`]. For fuzzing and tests.
pub fn scan_bytes(bytes: &[u8], shown: &str, options: ScanOptions) -> ScanResult {
    let mut found = Vec::new();
    scan_chunk(Scanner::get(), bytes, 1, shown, options, &mut found);
    let mut groups = Groups::default();
    for (d, place, line) in &found {
        groups.add(d, place.clone(), line);
    }
    ScanResult {
        groups: groups.list,
        bytes: bytes.len() as u64,
        files: 1,
        notes: Vec::new(),
        untracked: groups.untracked,
    }
}

/// Scans files and folders. `display` maps a path to how it is shown in findings.
pub fn scan_files(
    files: &[PathBuf],
    display: &(dyn Fn(&Path) -> String + Sync),
    options: ScanOptions,
) -> ScanResult {
    use rayon::prelude::*;
    let scanner = Scanner::get();
    let groups = Mutex::new(Groups::default());
    let result = Mutex::new(ScanResult::default());
    let threads = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
    let record = |shown: String, outcome: Result<(u64, Option<String>), String>| match outcome {
        Ok((bytes, partial)) => {
            let mut r = result.lock().expect("lock");
            r.bytes += bytes;
            r.files += 1;
            if let Some(note) = partial {
                r.notes.push((shown, note));
            }
        }
        Err(note) => result.lock().expect("lock").notes.push((shown, note)),
    };
    // A project holds many small files: each is read whole and scanned on its own core,
    // and what they hold is added in file order, as if they had been read one by one.
    // Large and compressed files stream through the chunked pipeline below.
    let mut start = 0;
    while start < files.len() {
        let small = files[start..].iter().take_while(|p| is_small(p)).count();
        if small > 0 {
            let scanned: Vec<(String, SmallScan)> = files[start..start + small]
                .par_iter()
                .map(|path| {
                    let shown = display(path);
                    let outcome = scan_small(scanner, path, &shown, options);
                    (shown, outcome)
                })
                .collect();
            let mut g = groups.lock().expect("lock");
            for (shown, outcome) in scanned {
                record(
                    shown,
                    outcome.map(|(bytes, hits)| {
                        for (d, place, line) in &hits {
                            g.add(d, place.clone(), line);
                        }
                        (bytes, None)
                    }),
                );
            }
            drop(g);
            start += small;
            continue;
        }
        let path = &files[start];
        let shown = display(path);
        let outcome = scan_one(scanner, path, &shown, options, threads, &groups);
        record(shown, outcome);
        start += 1;
    }
    let mut r = result.into_inner().expect("lock");
    let g = groups.into_inner().expect("lock");
    r.groups = g.list;
    r.untracked = g.untracked;
    r
}

/// A detection with where it was seen and its line.
type Hit = (Detection, Place, String);
/// What reading and scanning one small file gave: its size and hits, or why it was skipped.
type SmallScan = Result<(u64, Vec<Hit>), String>;

/// A plain file that fits in one chunk.
fn is_small(path: &Path) -> bool {
    !path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gz"))
        && std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() < CHUNK as u64)
}

/// Reads a small file whole and scans it as one chunk: the same detections and line
/// numbers as the streaming path gives it.
fn scan_small(scanner: &Scanner, path: &Path, shown: &str, options: ScanOptions) -> SmallScan {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    // Binary files are skipped: a NUL in the first 8 KiB.
    if bytes[..bytes.len().min(8192)].contains(&0) {
        return Err("skipped: binary file".into());
    }
    if is_scan_report(&bytes) {
        return Err(SCAN_REPORT.into());
    }
    let mut hits = Vec::new();
    scan_chunk(scanner, &bytes, 1, shown, options, &mut hits);
    Ok((bytes.len() as u64, hits))
}

fn open(path: &Path) -> Result<Box<dyn Read + Send>, String> {
    let file = File::open(path).map_err(|e| e.to_string())?;
    let mut reader = BufReader::with_capacity(256 * 1024, file);
    let is_gz = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gz"));
    if is_gz {
        let packed = std::fs::metadata(path).map_or(0, |m| m.len());
        let limit = packed.saturating_mul(MAX_GZ_RATIO).max(MIN_GZ_LIMIT);
        return Ok(Box::new(Bounded {
            inner: flate2::read::MultiGzDecoder::new(reader),
            left: limit,
            limit,
        }));
    }
    // Binary files are skipped: a NUL in the first 8 KiB.
    let mut head = vec![0u8; 8192];
    let n = read_full(&mut reader, &mut head).map_err(|e| e.to_string())?;
    head.truncate(n);
    if head.contains(&0) {
        return Err("skipped: binary file".into());
    }
    if is_scan_report(&head) {
        return Err(SCAN_REPORT.into());
    }
    Ok(Box::new(std::io::Cursor::new(head).chain(reader)))
}

/// Why a scanner's report is skipped.
const SCAN_REPORT: &str = "skipped: a scanner's report (spillcheck's JSON or a SARIF log): what it quotes are findings, not the project's secrets";

/// Whether a file's first bytes are a scanner's report: spillcheck's own JSON report (a
/// `"tool"` named `spillcheck` at the top) or a SARIF log (its `$schema` names SARIF).
/// Its snippets quote the code a scan read, secrets redacted (`timede…#13076e`):
/// scanning it again reports the redactions.
fn is_scan_report(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    let text = String::from_utf8_lossy(head);
    let t = text.trim_start();
    t.starts_with('{')
        && ((t.contains("\"tool\"") && t.contains("\"spillcheck\""))
            || (t.contains("\"$schema\"") && t.to_ascii_lowercase().contains("sarif")))
}

/// A `.gz` file may expand to at most this many times its size (logs compress about
/// 10:1, a decompression bomb 1000:1)...
const MAX_GZ_RATIO: u64 = 100;
/// ...but always to at least 256 MiB.
const MIN_GZ_LIMIT: u64 = 256 << 20;

/// A decompressing reader that refuses to expand past `limit` bytes.
struct Bounded<R> {
    inner: R,
    left: u64,
    limit: u64,
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.left == 0 {
            return Err(std::io::Error::other(format!(
                "decompressed past {} MiB (over {MAX_GZ_RATIO}:1, a decompression bomb?); the rest is not scanned",
                self.limit >> 20
            )));
        }
        let room = usize::try_from(self.left)
            .unwrap_or(usize::MAX)
            .min(buf.len());
        let n = self.inner.read(&mut buf[..room])?;
        self.left -= n as u64;
        Ok(n)
    }
}

fn read_full(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

fn scan_one(
    scanner: &Scanner,
    path: &Path,
    shown: &str,
    options: ScanOptions,
    threads: usize,
    groups: &Mutex<Groups>,
) -> Result<(u64, Option<String>), String> {
    let mut reader = open(path)?;
    let (tx, rx) = sync_channel::<(Vec<u8>, u64)>(QUEUE);
    let rx = Mutex::new(rx);
    // Buffers go back to the reader once scanned: no fresh pages per chunk, and
    // memory stays at about `CHUNK × (QUEUE + threads + 1)` whatever the file size.
    let (back_tx, back_rx) = sync_channel::<Vec<u8>>(QUEUE + threads + 1);
    let mut total = 0u64;
    let mut read_error = None;
    std::thread::scope(|s| {
        for _ in 0..threads {
            let back_tx = back_tx.clone();
            let rx = &rx;
            s.spawn(move || {
                let mut local = Vec::new();
                loop {
                    let next = rx.lock().expect("lock").recv();
                    let Ok((chunk, first_line)) = next else { break };
                    scan_chunk(scanner, &chunk, first_line, shown, options, &mut local);
                    let _ = back_tx.try_send(chunk);
                    if !local.is_empty() {
                        let mut g = groups.lock().expect("lock");
                        for (d, place, line) in local.drain(..) {
                            g.add(&d, place, &line);
                        }
                    }
                }
            });
        }
        drop(back_tx);
        // The reader: newline-aligned chunks, each with the number of its first line.
        let mut carry: Vec<u8> = Vec::new();
        let mut line = 1u64;
        loop {
            let mut buf = back_rx.try_recv().unwrap_or_default();
            buf.clear();
            buf.extend_from_slice(&carry);
            carry.clear();
            let start = buf.len();
            buf.resize(start + CHUNK, 0);
            let n = match read_full(&mut reader, &mut buf[start..]) {
                Ok(n) => n,
                Err(e) => {
                    read_error = Some(format!("read error after {total} bytes: {e}"));
                    0
                }
            };
            buf.truncate(start + n);
            total += n as u64;
            if buf.is_empty() {
                break;
            }
            let eof = n == 0;
            let cut = if eof {
                buf.len()
            } else {
                memchr::memrchr(b'\n', &buf).map_or(buf.len(), |i| i + 1)
            };
            carry.extend_from_slice(&buf[cut..]);
            buf.truncate(cut);
            let lines_in = u64::try_from(memchr::memchr_iter(b'\n', &buf).count()).unwrap_or(0);
            if tx.send((buf, line)).is_err() {
                break;
            }
            line += lines_in;
            if eof {
                break;
            }
        }
        drop(tx);
    });
    match read_error {
        Some(e) if total == 0 => Err(e),
        other => Ok((total, other)),
    }
}

/// Files under `paths` (folders walked, `.gitignore` honoured, hidden files included,
/// VCS and virtualenv folders skipped), with problems met on the way.
pub fn walk(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<(String, String)>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for start in paths {
        if !start.exists() {
            problems.push((
                start.display().to_string(),
                "no such file or directory".to_owned(),
            ));
            continue;
        }
        for entry in spillcheck_core::walk::walker(start) {
            match entry {
                Ok(e) if e.file_type().is_some_and(|t| t.is_file()) => files.push(e.into_path()),
                Ok(_) => {}
                Err(err) => problems.push((
                    start.display().to_string(),
                    err.to_string()
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" "),
                )),
            }
        }
    }
    files.sort();
    files.dedup();
    (files, problems)
}

/// Project files worth scanning for committed secrets (config, env, notebooks, docs
/// excluded: lock files, minified assets, images, archives).
#[expect(
    clippy::case_sensitive_file_extension_comparisons,
    reason = "the name is lowercased first"
)]
pub fn is_project_text_file(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if name.starts_with(".env")
        || name.ends_with(".env")
        || matches!(
            name.as_str(),
            "dockerfile" | ".npmrc" | ".pypirc" | ".netrc" | "credentials"
        )
    {
        return true;
    }
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    matches!(
        ext.as_str(),
        "yaml"
            | "yml"
            | "toml"
            | "json"
            | "ini"
            | "cfg"
            | "conf"
            | "properties"
            | "ipynb"
            | "py"
            | "sh"
            | "txt"
            | "xml"
            | "tf"
            | "tfvars"
            | "pem"
            | "key"
            | "sql"
    ) && !name.ends_with(".lock")
        && !name.ends_with("-lock.json")
        && !name.ends_with(".min.js")
}
