//! Which files the cross-module passes need after the file-local pass: the others drop
//! their syntax tree as soon as they are summarized, so memory holds the trees of an
//! application's web, model and data code only (a library or a standard library scanned
//! whole keeps almost none).
//!
//! In a web application (some module names a web framework) every tree is kept. Elsewhere a
//! file is needed when it imports a module from outside the standard library and the
//! project (a web framework, an ORM, a serializer, a JWT library — what every module of a
//! Flask application that routes, models or serializes imports), uses the database or data
//! classes of the standard library (`sqlite3`, `dataclasses`, `typing.NamedTuple`), holds
//! SQL table definitions, defines a serializer (`to_dict`, `as_json`…) that names a secret
//! or copies a whole object (SC140 reads them in every file), or makes fresh secrets
//! (`token_urlsafe`…: SC150's project check). What the other files contribute to those passes (their functions'
//! facts, their project facts) was taken before their tree was dropped.

use ruff_python_ast::visitor::{Visitor, walk_stmt};
use ruff_python_ast::{self as ast, Stmt};
use rustc_hash::FxHashSet;

use crate::project::SourceFile;

/// The top-level modules of Python 3.11's standard library (`sys.stdlib_module_names`).
const STDLIB: &[&str] = &[
    "__future__",
    "_abc",
    "_aix_support",
    "_ast",
    "_asyncio",
    "_bisect",
    "_blake2",
    "_bootsubprocess",
    "_bz2",
    "_codecs",
    "_codecs_cn",
    "_codecs_hk",
    "_codecs_iso2022",
    "_codecs_jp",
    "_codecs_kr",
    "_codecs_tw",
    "_collections",
    "_collections_abc",
    "_compat_pickle",
    "_compression",
    "_contextvars",
    "_crypt",
    "_csv",
    "_ctypes",
    "_curses",
    "_curses_panel",
    "_datetime",
    "_dbm",
    "_decimal",
    "_elementtree",
    "_frozen_importlib",
    "_frozen_importlib_external",
    "_functools",
    "_gdbm",
    "_hashlib",
    "_heapq",
    "_imp",
    "_io",
    "_json",
    "_locale",
    "_lsprof",
    "_lzma",
    "_markupbase",
    "_md5",
    "_msi",
    "_multibytecodec",
    "_multiprocessing",
    "_opcode",
    "_operator",
    "_osx_support",
    "_overlapped",
    "_pickle",
    "_posixshmem",
    "_posixsubprocess",
    "_py_abc",
    "_pydecimal",
    "_pyio",
    "_queue",
    "_random",
    "_scproxy",
    "_sha1",
    "_sha256",
    "_sha3",
    "_sha512",
    "_signal",
    "_sitebuiltins",
    "_socket",
    "_sqlite3",
    "_sre",
    "_ssl",
    "_stat",
    "_statistics",
    "_string",
    "_strptime",
    "_struct",
    "_symtable",
    "_thread",
    "_threading_local",
    "_tkinter",
    "_tokenize",
    "_tracemalloc",
    "_typing",
    "_uuid",
    "_warnings",
    "_weakref",
    "_weakrefset",
    "_winapi",
    "_zoneinfo",
    "abc",
    "aifc",
    "antigravity",
    "argparse",
    "array",
    "ast",
    "asynchat",
    "asyncio",
    "asyncore",
    "atexit",
    "audioop",
    "base64",
    "bdb",
    "binascii",
    "bisect",
    "builtins",
    "bz2",
    "cProfile",
    "calendar",
    "cgi",
    "cgitb",
    "chunk",
    "cmath",
    "cmd",
    "code",
    "codecs",
    "codeop",
    "collections",
    "colorsys",
    "compileall",
    "concurrent",
    "configparser",
    "contextlib",
    "contextvars",
    "copy",
    "copyreg",
    "crypt",
    "csv",
    "ctypes",
    "curses",
    "dataclasses",
    "datetime",
    "dbm",
    "decimal",
    "difflib",
    "dis",
    "distutils",
    "doctest",
    "email",
    "encodings",
    "ensurepip",
    "enum",
    "errno",
    "faulthandler",
    "fcntl",
    "filecmp",
    "fileinput",
    "fnmatch",
    "fractions",
    "ftplib",
    "functools",
    "gc",
    "genericpath",
    "getopt",
    "getpass",
    "gettext",
    "glob",
    "graphlib",
    "grp",
    "gzip",
    "hashlib",
    "heapq",
    "hmac",
    "html",
    "http",
    "idlelib",
    "imaplib",
    "imghdr",
    "imp",
    "importlib",
    "inspect",
    "io",
    "ipaddress",
    "itertools",
    "json",
    "keyword",
    "lib2to3",
    "linecache",
    "locale",
    "logging",
    "lzma",
    "mailbox",
    "mailcap",
    "marshal",
    "math",
    "mimetypes",
    "mmap",
    "modulefinder",
    "msilib",
    "msvcrt",
    "multiprocessing",
    "netrc",
    "nis",
    "nntplib",
    "nt",
    "ntpath",
    "nturl2path",
    "numbers",
    "opcode",
    "operator",
    "optparse",
    "os",
    "ossaudiodev",
    "pathlib",
    "pdb",
    "pickle",
    "pickletools",
    "pipes",
    "pkgutil",
    "platform",
    "plistlib",
    "poplib",
    "posix",
    "posixpath",
    "pprint",
    "profile",
    "pstats",
    "pty",
    "pwd",
    "py_compile",
    "pyclbr",
    "pydoc",
    "pydoc_data",
    "pyexpat",
    "queue",
    "quopri",
    "random",
    "re",
    "readline",
    "reprlib",
    "resource",
    "rlcompleter",
    "runpy",
    "sched",
    "secrets",
    "select",
    "selectors",
    "shelve",
    "shlex",
    "shutil",
    "signal",
    "site",
    "smtpd",
    "smtplib",
    "sndhdr",
    "socket",
    "socketserver",
    "spwd",
    "sqlite3",
    "sre_compile",
    "sre_constants",
    "sre_parse",
    "ssl",
    "stat",
    "statistics",
    "string",
    "stringprep",
    "struct",
    "subprocess",
    "sunau",
    "symtable",
    "sys",
    "sysconfig",
    "syslog",
    "tabnanny",
    "tarfile",
    "telnetlib",
    "tempfile",
    "termios",
    "textwrap",
    "this",
    "threading",
    "time",
    "timeit",
    "tkinter",
    "token",
    "tokenize",
    "tomllib",
    "trace",
    "traceback",
    "tracemalloc",
    "tty",
    "turtle",
    "turtledemo",
    "types",
    "typing",
    "unicodedata",
    "unittest",
    "urllib",
    "uu",
    "uuid",
    "venv",
    "warnings",
    "wave",
    "weakref",
    "webbrowser",
    "winreg",
    "winsound",
    "wsgiref",
    "xdrlib",
    "xml",
    "xmlrpc",
    "zipapp",
    "zipfile",
    "zipimport",
    "zlib",
    "zoneinfo",
];

/// Standard-library modules that mark data code: databases and record types.
const DATA_MODULES: &[&str] = &["sqlite3", "dataclasses", "dbm", "shelve", "csv"];

/// Whether a module imports a web framework (an `import` or `from` line naming one): the
/// project is then a web application and keeps every tree.
pub(crate) fn web_text(text: &str) -> bool {
    const FRAMEWORKS: &[&str] = &[
        "flask",
        "flask_restful",
        "flask_restx",
        "flask_smorest",
        "apifairy",
        "werkzeug",
        "connexion",
        "quart",
        "fastapi",
        "django",
        "falcon",
        "bottle",
        "sanic",
        "starlette",
        "tornado",
        "aiohttp",
        "pyramid",
        "cherrypy",
        "litestar",
    ];
    let is_framework = |name: &str| {
        let top: String = name
            .trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        FRAMEWORKS.contains(&top.as_str()) || top.starts_with("flask_")
    };
    text.lines().any(|line| {
        let line = line.trim_start();
        if let Some(rest) = line.strip_prefix("from ") {
            return is_framework(rest);
        }
        // `import os, flask`: every module of the line.
        line.strip_prefix("import ")
            .is_some_and(|rest| rest.split(',').any(is_framework))
    })
}

/// Whether the cross-module passes need `file`'s syntax tree (outside a web application).
pub(crate) fn needed(file: &SourceFile, project_modules: &FxHashSet<String>) -> bool {
    let Some(module) = file.module() else {
        return false;
    };
    if file.text.contains("CREATE TABLE")
        || file.text.contains("create table")
        || file.text.contains("NamedTuple")
        || file.text.contains("TypedDict")
        // Fresh secrets stored on records (SC150's project check).
        || ["token_urlsafe", "token_hex", "token_bytes", "uuid4", "urandom", "gen_salt", "get_random_string", "randbits"]
            .iter()
            .any(|g| file.text.contains(g))
    {
        return true;
    }
    // Serializers (`to_dict`, `as_json`…) that name a secret or copy a whole object:
    // SC140 reads them in every file.
    let serializes_secrets = |f: &ast::StmtFunctionDef| {
        let mut hit = false;
        crate::facts::exprs_in(&f.body, &mut |e| {
            let name = match e {
                ast::Expr::Name(n) => Some(n.id.as_str()),
                ast::Expr::Attribute(a) => Some(a.attr.as_str()),
                ast::Expr::StringLiteral(s) => Some(s.value.to_str()),
                _ => None,
            };
            if name.is_some_and(|n| {
                n == "__dict__" || n == "vars" || spillcheck_core::vocab::is_sensitive_field(n)
            }) {
                hit = true;
            }
        });
        hit
    };
    if crate::facts::all_functions(&module.body)
        .iter()
        .any(|(_, f, _)| {
            crate::recognizers::serializer_name(f.name.as_str()) && serializes_secrets(f)
        })
    {
        return true;
    }
    struct Imports<'p> {
        project: &'p FxHashSet<String>,
        needed: bool,
    }
    impl Imports<'_> {
        fn module(&mut self, name: &str) {
            let top = name.split('.').next().unwrap_or(name);
            if top.is_empty() {
                return;
            }
            let std = STDLIB.binary_search(&top).is_ok();
            if DATA_MODULES.contains(&top) || (!std && !self.project.contains(top)) {
                self.needed = true;
            }
        }
    }
    impl<'a> Visitor<'a> for Imports<'_> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            match stmt {
                Stmt::Import(i) => {
                    for a in &i.names {
                        self.module(a.name.as_str());
                    }
                }
                Stmt::ImportFrom(i) if i.level == 0 => {
                    if let Some(m) = &i.module {
                        self.module(m.as_str());
                    }
                }
                _ => {}
            }
            if !self.needed {
                walk_stmt(self, stmt);
            }
        }
        fn visit_expr(&mut self, _: &'a ast::Expr) {}
    }
    let mut v = Imports {
        project: project_modules,
        needed: false,
    };
    for s in &module.body {
        v.visit_stmt(s);
        if v.needed {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::STDLIB;

    #[test]
    fn web_applications_are_told_by_their_imports() {
        assert!(super::web_text("import os\nfrom flask import Flask\n"));
        assert!(super::web_text("    import flask_login"));
        assert!(!super::web_text("# a flask of water\nimport bottleneck\n"));
        assert!(super::web_text("import os, flask\n"));
        assert!(super::web_text(
            "try:\n    from werkzeug.security import check_password_hash\n"
        ));
    }

    #[test]
    fn the_standard_library_list_is_sorted_for_binary_search() {
        assert!(STDLIB.windows(2).all(|w| w[0] < w[1]));
        assert!(STDLIB.binary_search(&"os").is_ok() && STDLIB.binary_search(&"flask").is_err());
    }
}
