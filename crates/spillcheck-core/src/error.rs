use std::fmt;
use std::path::PathBuf;

/// Everything that can go wrong in this crate. Each variant prints as one line.
#[derive(Debug)]
pub enum Error {
    /// A file could not be read or written.
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A configuration file is not valid TOML or has an unknown or ill-typed key.
    Config {
        /// The configuration file.
        path: PathBuf,
        /// What is wrong, naming the key.
        message: String,
    },
    /// A rule id, slug or prefix names no rule in the catalog.
    UnknownRule {
        /// Where the name came from (`--select`, `spillcheck.toml`, ...).
        origin: String,
        /// The name as given.
        name: String,
    },
    /// A baseline file is not a spillcheck baseline.
    Baseline {
        /// The baseline file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A value given on the command line or in config is out of range.
    Invalid(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { path, source } => write!(f, "{}: {source}", path.display()),
            Error::Config { path, message } => write!(f, "{}: {message}", path.display()),
            Error::UnknownRule { origin, name } => {
                write!(
                    f,
                    "{origin}: unknown rule `{name}` (see `spillcheck rules`)"
                )
            }
            Error::Baseline { path, message } => {
                write!(
                    f,
                    "{}: not a spillcheck baseline: {message}",
                    path.display()
                )
            }
            Error::Invalid(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}
