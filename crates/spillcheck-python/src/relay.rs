//! Relay routes: a view whose last path parameter takes the rest of the path (`<path:rest>`)
//! and hands it to an HTTP client (`requests`, `httpx`, a session's `request`), serving
//! another API under its own prefix (`/api/remote/<name>/api/<path:rest>`). What it answers is
//! the other service's API, described there; the inventory does not take its absence from
//! this API's description for a shadow endpoint.

use ruff_python_ast::{self as ast, Expr, Stmt};

use crate::ast_util::{callee_last, dotted, each_expr_in_stmt, function_named, names_in};
use crate::model::PathParam;

/// HTTP verbs a client object offers as methods.
const VERBS: &[&str] = &["get", "post", "put", "patch", "delete", "head", "options"];

/// Whether the view relays the rest of its path to another server: `params`' last one is a
/// `path` converter and the view, or a function it calls in its class or module (two hops
/// at most), passes that value (under whatever name it is handed on) to an HTTP client.
pub(crate) fn relays(
    func: &ast::StmtFunctionDef,
    class: Option<&ast::StmtClassDef>,
    module: &[Stmt],
    params: &[PathParam],
) -> bool {
    let Some(last) = params.last().filter(|p| p.converter == "path") else {
        return false;
    };
    reaches_client(func, &[last.name.as_str()], class, module, 2)
}

fn reaches_client(
    func: &ast::StmtFunctionDef,
    carried: &[&str],
    class: Option<&ast::StmtClassDef>,
    module: &[Stmt],
    hops: usize,
) -> bool {
    let mut found = false;
    for stmt in &func.body {
        each_expr_in_stmt(stmt, &mut |e| {
            let Expr::Call(call) = e else { return };
            if found || !passes(call, carried) {
                return;
            }
            if is_http_client(call) {
                found = true;
                return;
            }
            if hops == 0 {
                return;
            }
            let Some(callee) = helper(call, class, module) else {
                return;
            };
            let handed = handed_names(call, callee, carried);
            let handed: Vec<&str> = handed.iter().map(String::as_str).collect();
            if !handed.is_empty() && reaches_client(callee, &handed, class, module, hops - 1) {
                found = true;
            }
        });
        if found {
            return true;
        }
    }
    false
}

/// Whether `e` reads a carried name.
fn reads(e: &Expr, carried: &[&str]) -> bool {
    names_in(e).iter().any(|n| carried.contains(n))
}

/// Whether one of the call's arguments reads a carried name.
fn passes(call: &ast::ExprCall, carried: &[&str]) -> bool {
    crate::patterns::call_values(call).any(|arg| reads(arg, carried))
}

/// An HTTP client's request: `requests.get(...)`, `httpx.request(...)`, `urlopen(...)`,
/// `session.request(method, url)`, `client.get(url)` on a receiver named for a session,
/// client or connection.
fn is_http_client(call: &ast::ExprCall) -> bool {
    let Some(last) = callee_last(call) else {
        return false;
    };
    let path = dotted(&call.func).unwrap_or_default();
    let root = path.split('.').next().unwrap_or_default();
    if matches!(root, "requests" | "httpx" | "urllib3" | "aiohttp") {
        return true;
    }
    if (last == "request" && path.contains('.')) || last == "urlopen" {
        return true;
    }
    let Expr::Attribute(attr) = call.func.as_ref() else {
        return false;
    };
    let receiver = dotted(&attr.value)
        .map(|d| {
            d.rsplit('.')
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase()
        })
        .unwrap_or_default();
    VERBS.contains(&last)
        && ["session", "client", "http", "proxy", "upstream"]
            .iter()
            .any(|w| receiver.contains(w))
}

/// The function a call names in the view's class (`self.do_request(...)`) or module
/// (`forward(...)`).
fn helper<'a>(
    call: &ast::ExprCall,
    class: Option<&'a ast::StmtClassDef>,
    module: &'a [Stmt],
) -> Option<&'a ast::StmtFunctionDef> {
    let (body, name): (&[Stmt], &str) = match call.func.as_ref() {
        Expr::Attribute(a) if matches!(a.value.as_ref(), Expr::Name(n) if n.id.as_str() == "self" || n.id.as_str() == "cls") => {
            (&class?.body, a.attr.as_str())
        }
        Expr::Name(n) => (module, n.id.as_str()),
        _ => return None,
    };
    function_named(body, name)
}

/// The callee's parameters that receive a carried name (by position, skipping `self`/`cls`,
/// or by keyword).
fn handed_names(
    call: &ast::ExprCall,
    callee: &ast::StmtFunctionDef,
    carried: &[&str],
) -> Vec<String> {
    let mut names: Vec<&str> = callee
        .parameters
        .posonlyargs
        .iter()
        .chain(&callee.parameters.args)
        .map(|p| p.parameter.name.as_str())
        .collect();
    if matches!(names.first(), Some(&("self" | "cls"))) {
        names.remove(0);
    }
    let mut out = Vec::new();
    for (i, arg) in call.arguments.args.iter().enumerate() {
        if reads(arg, carried)
            && let Some(name) = names.get(i)
        {
            out.push((*name).to_owned());
        }
    }
    for kw in &call.arguments.keywords {
        if let Some(arg) = &kw.arg
            && reads(&kw.value, carried)
        {
            out.push(arg.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn relays_in(src: &str, class: &str, method: &str, params: &[(&str, &str)]) -> bool {
        let parsed = ruff_python_parser::parse_module(src).unwrap();
        let module = parsed.into_syntax();
        let params: Vec<PathParam> = params
            .iter()
            .map(|(n, c)| PathParam {
                name: (*n).to_owned(),
                converter: (*c).to_owned(),
            })
            .collect();
        let class_def = module.body.iter().find_map(|s| match s {
            Stmt::ClassDef(c) if c.name.as_str() == class => Some(c),
            _ => None,
        });
        let body: &[Stmt] = class_def.map_or(&module.body, |c| &c.body);
        let func = function_named(body, method).unwrap();
        relays(func, class_def, &module.body, &params)
    }

    #[test]
    fn a_resource_that_forwards_the_rest_of_its_path() {
        let src = "
class Remote:
    def __init__(self, name):
        self.session = requests.Session()
    def request(self, method, path):
        return self.session.request(method, f'{self.url}/api/{path}')

class RemoteAPIResource(Resource):
    def do_request(self, method, name, remote_path):
        remote = Remote(name)
        response = remote.request(method, remote_path, params=request.args)
        return Response(response.iter_content())
    def get(self, name, remote_path):
        return self.do_request('get', name, remote_path)
";
        let params = [("name", "string"), ("remote_path", "path")];
        assert!(relays_in(src, "RemoteAPIResource", "get", &params));
    }

    #[test]
    fn a_function_view_that_proxies_with_requests() {
        let src = "
def proxy(rest):
    upstream = requests.get(GRAFANA + '/' + rest, headers=forwarded())
    return upstream.content, upstream.status_code
";
        assert!(relays_in(src, "", "proxy", &[("rest", "path")]));
        // The same view with an ordinary last parameter serves one thing of its own.
        assert!(!relays_in(src, "", "proxy", &[("rest", "string")]));
    }

    #[test]
    fn a_path_served_from_disk_or_looked_up_is_no_relay() {
        let src = "
def files(filename):
    return send_from_directory(UPLOADS, filename)

def page(rest):
    doc = Page.query.filter_by(path=rest).first_or_404()
    requests.post(WEBHOOK, json={'event': 'viewed'})
    return render(doc)
";
        assert!(!relays_in(src, "", "files", &[("filename", "path")]));
        // A request made beside the lookup, carrying nothing of the path, relays nothing.
        assert!(!relays_in(src, "", "page", &[("rest", "path")]));
    }
}
