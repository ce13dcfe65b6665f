//! The `spillcheck` binary: parse arguments, run the command, map the outcome to
//! an exit code (0 passed, 1 findings fail the gate, 2 could not run).

mod args;
mod catalog;
mod changed;
mod commands;
mod history;
mod inventory;
mod mcp;
mod monitor;
mod pipeline;

use std::io::Write as _;
use std::process::ExitCode;

use clap::Parser as _;

// The analysis allocates many small AST nodes on several threads; mimalloc is
// markedly faster than glibc's allocator at that (ruff makes the same choice).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ExitStatus {
    /// Ran and passed the gate.
    Success,
    /// Ran, and findings fail the gate.
    Failure,
}

/// Scrubs secrets from anything printed outside a report: usage errors, errors,
/// panics. Knows the tokens given on the command line and in the environment, and
/// every token-shaped value.
static PROCESS_REDACTOR: std::sync::OnceLock<spillcheck_core::Redactor> =
    std::sync::OnceLock::new();

fn process_redactor() -> &'static spillcheck_core::Redactor {
    PROCESS_REDACTOR.get_or_init(|| {
        let mut r = spillcheck_core::Redactor::new();
        for secret in secrets_from_command_line(std::env::args().skip(1)) {
            r.add(&secret);
        }
        for var in [
            "SPILLCHECK_TOKEN",
            "SPILLCHECK_TOKEN_B",
            "SPILLCHECK_ADMIN_TOKEN",
            "SPILLCHECK_TOKEN_LIMITED",
            "SPILLCHECK_USER",
            "SPILLCHECK_USER_B",
            "SPILLCHECK_ADMIN_USER",
            "SPILLCHECK_LIMITED_USER",
        ] {
            if let Ok(v) = std::env::var(var) {
                r.add(&v);
                if var.ends_with("USER")
                    && let Some((_, password)) = v.split_once(':')
                {
                    r.add(password);
                }
            }
        }
        r
    })
}

/// Values of the token options (`--token T`, `--token=T`, ...) and the token given to
/// `spillcheck jwt`.
fn secrets_from_command_line(args: impl Iterator<Item = String>) -> Vec<String> {
    const FLAGS: [&str; 7] = [
        "--token",
        "--token-b",
        "--admin-token",
        "--token-limited",
        "--user",
        "--admin-user",
        "--limited-user",
    ];
    let args: Vec<String> = args.collect();
    let mut out = Vec::new();
    let mut jwt = false;
    // `--user NAME:PASSWORD`: the password alone is the secret too.
    let push = |value: &str, out: &mut Vec<String>| {
        out.push(value.to_owned());
        if let Some((_, password)) = value.split_once(':') {
            out.push(password.to_owned());
        }
    };
    for (i, a) in args.iter().enumerate() {
        if let Some((flag, value)) = a.split_once('=') {
            if FLAGS.contains(&flag) {
                push(value, &mut out);
            }
        } else if FLAGS.contains(&a.as_str()) {
            if let Some(v) = args.get(i + 1) {
                push(v, &mut out);
            }
        } else if a == "jwt" && !jwt {
            jwt = true;
        } else if jwt && !a.starts_with('-') {
            out.push(a.clone());
        }
    }
    out
}

fn main() -> ExitCode {
    // A panic prints one scrubbed line, never the raw message (it may hold a token).
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let text = process_redactor().scrub(&message).replace('\n', " ");
        let _ = writeln!(
            std::io::stderr(),
            "spillcheck: internal error (a bug, please report it){place}: {text}"
        );
    }));
    let cli = match args::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // Help and --version are successes; usage errors exit 2. A usage error may
            // quote a misplaced token: it is scrubbed like every other message.
            let text = err.render().to_string();
            let text = process_redactor().scrub(&text);
            let _ = if err.use_stderr() {
                write!(std::io::stderr(), "{text}")
            } else {
                write!(std::io::stdout(), "{text}")
            };
            return if err.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };

    // Deep but legal code makes the parser and the visitors recurse; 64 MiB stacks (the
    // command's thread and rayon's workers) keep that far from an overflow. The guard in
    // spillcheck-python refuses what Python itself would refuse before any of it runs.
    const STACK: usize = 64 << 20;
    let _ = rayon::ThreadPoolBuilder::new()
        .stack_size(STACK)
        .build_global();
    let outcome = std::thread::Builder::new()
        .name("spillcheck".into())
        .stack_size(STACK)
        .spawn(move || {
            if let Some(message) = std::env::var_os("SPILLCHECK_TEST_PANIC") {
                // For the redaction audit only: proves a panic message is scrubbed.
                panic!("{}", message.to_string_lossy());
            }
            commands::run(cli)
        })
        .map_err(anyhow::Error::from)
        .and_then(|handle| {
            handle.join().unwrap_or_else(|_| {
                Err(anyhow::anyhow!("internal error (a bug): the run panicked"))
            })
        });
    match outcome {
        Ok(ExitStatus::Success) => ExitCode::SUCCESS,
        Ok(ExitStatus::Failure) => ExitCode::from(1),
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            let message = process_redactor().scrub(&format!("{err:#}")).into_owned();
            let mut stderr = std::io::stderr().lock();
            let _ = writeln!(stderr, "spillcheck: error: {}", message.replace('\n', " "));
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
