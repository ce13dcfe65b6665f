//! `SC102` object-id-without-ownership-check: the rule's metadata and documentation.
//!
//! Findings of this rule are produced by the code analysis (`spillcheck code`).

use spillcheck_core::{Confidence, OwaspApi, Severity, declare_rule};

declare_rule! {
    /// ## What it finds
    /// A route takes an object id from the path or query (`/notes/<int:note_id>`), uses it to load a record (SQL, an ORM `get`, a helper that queries by its argument) and returns or changes it, without ever comparing the record's owner with the caller's identity (`g.user`, `current_user`, `get_jwt_identity()`, the token's `sub`).
    ///
    /// ## Why it matters
    /// This is Broken Object Level Authorization (IDOR), the first risk of the OWASP API Top 10: any authenticated user can read or change every other user's records by changing a number in the URL.
    ///
    /// ## Example
    /// ```python
    /// @app.get("/api/notes/<int:note_id>")
    /// @require_token
    /// def get_note(note_id):
    ///     row = db.execute("SELECT * FROM notes WHERE id = ?", (note_id,)).fetchone()
    ///     return jsonify(dict(row))
    /// ```
    ///
    /// ## Fix
    /// Derive the owner from the token, never from the request:
    ///
    /// ```python
    /// row = db.execute(
    ///     "SELECT id, title, body FROM notes WHERE id = ? AND owner_id = ?",
    ///     (note_id, g.user["sub"]),
    /// ).fetchone()
    /// if row is None:
    ///     abort(404)
    /// ```
    pub static SC102 = {
        id: "SC102",
        slug: "object-id-without-ownership-check",
        title: "Object id used without an ownership check",
        severity: Severity::High,
        confidence: Confidence::Likely,
        cwe: &[639],
        owasp: &[OwaspApi::Api1],
        fix: "Load the object by its id *and* the caller's identity (`WHERE id = ? AND owner_id = ?`), or compare its owner with the identity from the token before returning it.",
    }
}
