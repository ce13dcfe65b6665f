//! The `spillcheck` binary: parse arguments, run the command, map the outcome to
//! an exit code (0 passed, 1 findings fail the gate, 2 could not run).

mod args;
mod catalog;
mod changed;
mod commands;
mod history;
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

fn main() -> ExitCode {
    let cli = match args::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // Help and --version are successes; usage errors exit 2.
            let _ = err.print();
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
        .spawn(move || commands::run(cli))
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
            let message = spillcheck_core::Redactor::new()
                .scrub(&format!("{err:#}"))
                .into_owned();
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
