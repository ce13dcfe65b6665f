//! One module per command; each turns its arguments into a run and returns the exit status.

pub(crate) mod api;
pub(crate) mod code;
mod fix;
pub(crate) mod jwt;
pub(crate) mod logs;
mod report;
pub(crate) mod rules;

use crate::ExitStatus;
use crate::args::{Cli, Command};

pub(crate) fn run(cli: Cli) -> anyhow::Result<ExitStatus> {
    match cli.command {
        Command::Rules(args) => rules::rules(&args),
        Command::Explain(args) => rules::explain(&args),
        Command::Code(args) if args.fix || args.diff => fix::fix(&args),
        Command::Code(args) => code::code(&args),
        Command::Routes(args) => code::routes(&args),
        Command::Logs(args) => logs::logs(&args),
        Command::Jwt(args) => jwt::jwt(&args),
        Command::Api(args) => api::api(&args),
        Command::Scan(args) => api::scan(&args),
        Command::Mcp(args) => crate::mcp::serve(args.allow_remote).map(|()| ExitStatus::Success),
        Command::Report(args) => report::report(&args),
        Command::History(args) => crate::history::history(&args),
        Command::Monitor(args) => crate::monitor::monitor(&args),
    }
}
