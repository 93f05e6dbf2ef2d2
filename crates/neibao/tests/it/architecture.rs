//! The house rules of docs/ARCHITECTURE.md, checked on the source tree: no import circle between
//! the files of a crate, no source file over 800 lines (tests and generated data aside), access
//! decisions only in the policy (`crates/domain/src/access.rs`), and the web layer never reaching
//! the store (it does not even depend on `neibao-store`).
//!
//! The import graph is built from the text: every `crate::…`, `super::…`, `self::…` path (in `use`
//! trees and in code) and every path that starts with a child module's name is resolved to the
//! file that defines the module it names; `mod x;` declarations (with `#[path]`) map modules to
//! files. Comments and string literals are skipped.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// Largest source file (lines) outside tests and generated data.
const MAX_LINES: usize = 800;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

fn crates() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(workspace().join("crates"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("src").is_dir())
        .collect();
    v.sort();
    v
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    for e in rd {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Source text with comments and string/char literals blanked (line breaks kept).
fn strip(src: &str) -> String {
    let b = src.as_bytes();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if c == b'/' && b.get(i + 1) == Some(&b'*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                    depth += 1;
                    i += 2;
                } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if b[i] == b'\n' {
                        out.push('\n');
                    }
                    i += 1;
                }
            }
        } else if c == b'r' && (b.get(i + 1) == Some(&b'"') || b.get(i + 1) == Some(&b'#')) && !prev_ident(b, i) {
            // raw string r"…" / r#"…"#
            let mut j = i + 1;
            let mut hashes = 0;
            while b.get(j) == Some(&b'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) != Some(&b'"') {
                out.push(c as char);
                i += 1;
                continue;
            }
            j += 1;
            loop {
                if j >= b.len() {
                    break;
                }
                if b[j] == b'"' && (0..hashes).all(|k| b.get(j + 1 + k) == Some(&b'#')) {
                    j += 1 + hashes;
                    break;
                }
                if b[j] == b'\n' {
                    out.push('\n');
                }
                j += 1;
            }
            out.push_str("\"\"");
            i = j;
        } else if c == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                if b[i] == b'\\' {
                    i += 1;
                }
                if i < b.len() && b[i] == b'\n' {
                    out.push('\n');
                }
                i += 1;
            }
            i += 1;
            out.push_str("\"\"");
        } else if c == b'\'' {
            // char literal or lifetime
            if b.get(i + 2) == Some(&b'\'') || (b.get(i + 1) == Some(&b'\\')) {
                let mut j = i + 1;
                if b[j] == b'\\' {
                    j += 2;
                }
                while j < b.len() && b[j] != b'\'' {
                    j += 1;
                }
                i = j + 1;
                out.push_str("' '");
            } else {
                out.push('\'');
                i += 1;
            }
        } else {
            // keep UTF-8 intact
            let ch = src[i..].chars().next().unwrap();
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

fn prev_ident(b: &[u8], i: usize) -> bool {
    i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Sep,   // ::
    Open,  // {
    Close, // }
    Comma,
    Semi,
    Other(char),
}

fn tokens(src: &str) -> Vec<Tok> {
    let cs: Vec<char> = src.chars().collect();
    let mut v = Vec::new();
    let mut i = 0;
    while i < cs.len() {
        let c = cs[i];
        if c.is_alphabetic() || c == '_' {
            let s = i;
            while i < cs.len() && (cs[i].is_alphanumeric() || cs[i] == '_') {
                i += 1;
            }
            v.push(Tok::Ident(cs[s..i].iter().collect()));
            continue;
        }
        if c == ':' && cs.get(i + 1) == Some(&':') {
            v.push(Tok::Sep);
            i += 2;
            continue;
        }
        match c {
            '{' => v.push(Tok::Open),
            '}' => v.push(Tok::Close),
            ',' => v.push(Tok::Comma),
            ';' => v.push(Tok::Semi),
            c if c.is_whitespace() => {}
            c => v.push(Tok::Other(c)),
        }
        i += 1;
    }
    v
}

/// One crate's modules: module path (`a::b`) → file, and file → its module path.
struct Crate {
    files: BTreeMap<String, PathBuf>,
    /// inline or file modules declared by each module: module path → child names
    children: HashMap<String, BTreeSet<String>>,
    /// `pub use` re-exports of each module: module path → (name → absolute path it names)
    reexports: HashMap<String, HashMap<String, Vec<String>>>,
}

fn load_crate(dir: &Path) -> Crate {
    let mut c = Crate {
        files: BTreeMap::new(),
        children: HashMap::new(),
        reexports: HashMap::new(),
    };
    for root in ["src/lib.rs", "src/main.rs"] {
        let p = dir.join(root);
        if p.is_file() {
            let name = if root.ends_with("lib.rs") { "" } else { "bin" };
            walk_module(&mut c, name, &p.canonicalize().unwrap());
        }
    }
    let modules: Vec<(String, PathBuf)> = c.files.iter().map(|(m, f)| (m.clone(), f.clone())).collect();
    for (module, file) in modules {
        let toks = tokens(&strip(&std::fs::read_to_string(&file).unwrap()));
        let mut map = HashMap::new();
        let mut i = 0;
        while i + 1 < toks.len() {
            if toks[i] == Tok::Ident("pub".into()) && toks[i + 1] == Tok::Ident("use".into()) {
                let mut out = Vec::new();
                use_tree(&toks, i + 2, &mut Vec::new(), &mut out);
                for p in out {
                    if let Some(abs) = absolute(&c, &module, &p) {
                        map.insert(p.last().unwrap().clone(), abs);
                    }
                }
            }
            i += 1;
        }
        c.reexports.insert(module, map);
    }
    c
}

/// `p` as written in `module`, made absolute; `None` for paths outside the crate.
fn absolute(c: &Crate, module: &str, p: &[String]) -> Option<Vec<String>> {
    let here: Vec<String> = if module.is_empty() {
        vec![]
    } else {
        module.split("::").map(str::to_string).collect()
    };
    let kids = c.children.get(module).cloned().unwrap_or_default();
    Some(match p[0].as_str() {
        "crate" => p[1..].to_vec(),
        "self" => here.iter().cloned().chain(p[1..].iter().cloned()).collect(),
        "super" => {
            let mut base = here.clone();
            let mut k = 0;
            while p.get(k).map(String::as_str) == Some("super") {
                base.pop();
                k += 1;
            }
            base.into_iter().chain(p[k..].iter().cloned()).collect()
        }
        s if kids.contains(s) => here.iter().cloned().chain(p.iter().cloned()).collect(),
        _ => return None,
    })
}

/// Registers the module `path` in `file` and the `mod x;` it declares (following `#[path]`).
fn walk_module(c: &mut Crate, path: &str, file: &Path) {
    if c.files.contains_key(path) {
        return;
    }
    c.files.insert(path.to_string(), file.to_path_buf());
    let src = std::fs::read_to_string(file).unwrap();
    let own_dir = {
        let parent = file.parent().unwrap();
        let stem = file.file_stem().unwrap().to_str().unwrap();
        if matches!(stem, "mod" | "lib" | "main") {
            parent.to_path_buf()
        } else {
            parent.join(stem)
        }
    };
    let mut pending_path: Option<String> = None;
    for line in src.lines() {
        let t = line.trim();
        if let Some(rest) = t.strip_prefix("#[path = \"") {
            pending_path = rest.split('"').next().map(str::to_string);
            continue;
        }
        if t.starts_with("#[") {
            continue;
        }
        let decl = t
            .strip_prefix("pub mod ")
            .or_else(|| t.strip_prefix("pub(crate) mod "))
            .or_else(|| t.strip_prefix("pub(super) mod "))
            .or_else(|| t.strip_prefix("mod "));
        let p = pending_path.take();
        let Some(decl) = decl else { continue };
        let name: String = decl
            .chars()
            .take_while(|ch| ch.is_alphanumeric() || *ch == '_')
            .collect();
        let child = if path.is_empty() {
            name.clone()
        } else {
            format!("{path}::{name}")
        };
        c.children.entry(path.to_string()).or_default().insert(name.clone());
        if !decl.trim_end().ends_with(';') {
            continue; // inline module: same file (its items resolve to this file)
        }
        let target = match p {
            Some(rel) => file.parent().unwrap().join(rel),
            None => {
                let a = own_dir.join(format!("{name}.rs"));
                if a.is_file() {
                    a
                } else {
                    own_dir.join(&name).join("mod.rs")
                }
            }
        };
        if target.is_file() {
            walk_module(c, &child, &target.canonicalize().unwrap());
        }
    }
}

/// The file that defines the longest module prefix of `segments` (a module path from the root).
fn resolve(c: &Crate, segments: &[String]) -> Option<PathBuf> {
    resolve_depth(c, segments, 0)
}

fn resolve_depth(c: &Crate, segments: &[String], depth: usize) -> Option<PathBuf> {
    for n in (0..=segments.len()).rev() {
        let key = segments[..n].join("::");
        if let Some(f) = c.files.get(&key) {
            // `pub use` in that module: follow it to where the item is defined.
            if let Some(next) = segments.get(n) {
                if let Some(target) = c.reexports.get(&key).and_then(|m| m.get(next)) {
                    if depth < 8 {
                        let mut t = target.clone();
                        t.extend(segments[n + 1..].iter().cloned());
                        return resolve_depth(c, &t, depth + 1);
                    }
                }
            }
            return Some(f.clone());
        }
    }
    None
}

/// Paths named in a file, each with the inline modules (`mod tests { … }`) it is written in:
/// use trees expanded, and `a::b::c` runs in code.
fn paths(toks: &[Tok]) -> Vec<(Vec<String>, Vec<String>)> {
    let mut out = Vec::new();
    // inline modules open at this point: (name, brace depth at which it closes)
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < toks.len() {
        match &toks[i] {
            Tok::Open => depth += 1,
            Tok::Close => {
                depth = depth.saturating_sub(1);
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
            }
            _ => {}
        }
        let nest: Vec<String> = inline.iter().map(|(n, _)| n.clone()).collect();
        if toks[i] == Tok::Ident("mod".into()) {
            if let (Some(Tok::Ident(name)), Some(Tok::Open)) = (toks.get(i + 1), toks.get(i + 2)) {
                inline.push((name.clone(), depth));
                depth += 1;
                i += 3;
                continue;
            }
        }
        if toks[i] == Tok::Ident("use".into()) {
            i += 1;
            let mut found = Vec::new();
            i = use_tree(toks, i, &mut Vec::new(), &mut found);
            out.extend(found.into_iter().map(|p| (p, nest.clone())));
            continue;
        }
        if let Tok::Ident(first) = &toks[i] {
            let preceded = i > 0 && toks[i - 1] == Tok::Sep;
            if !preceded && toks.get(i + 1) == Some(&Tok::Sep) {
                let mut p = vec![first.clone()];
                let mut j = i + 1;
                while toks.get(j) == Some(&Tok::Sep) {
                    match toks.get(j + 1) {
                        Some(Tok::Ident(s)) => {
                            p.push(s.clone());
                            j += 2;
                        }
                        _ => break,
                    }
                }
                out.push((p, nest));
                i = j;
                continue;
            }
        }
        i += 1;
    }
    out
}

fn use_tree(toks: &[Tok], mut i: usize, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) -> usize {
    let base = prefix.len();
    loop {
        match toks.get(i) {
            Some(Tok::Ident(s)) if s == "as" => {
                i += 2;
            }
            Some(Tok::Ident(s)) => {
                prefix.push(s.clone());
                i += 1;
            }
            Some(Tok::Sep) => i += 1,
            Some(Tok::Other('*')) => i += 1,
            Some(Tok::Open) => {
                i += 1;
                loop {
                    let mut p = prefix.clone();
                    i = use_tree(toks, i, &mut p, out);
                    match toks.get(i) {
                        Some(Tok::Comma) => i += 1,
                        Some(Tok::Close) => {
                            i += 1;
                            break;
                        }
                        _ => break,
                    }
                }
                prefix.truncate(base);
                return i;
            }
            _ => {
                if prefix.len() > base {
                    out.push(prefix.clone());
                }
                prefix.truncate(base);
                return i;
            }
        }
    }
}

/// Edges file → file inside one crate.
fn graph(c: &Crate) -> BTreeMap<PathBuf, BTreeSet<PathBuf>> {
    let mut g: BTreeMap<PathBuf, BTreeSet<PathBuf>> = BTreeMap::new();
    for (module, file) in &c.files {
        let src = strip(&std::fs::read_to_string(file).unwrap());
        let toks = tokens(&src);
        for (p, nest) in paths(&toks) {
            let p = match p[0].as_str() {
                "crate" => p,
                "super" => {
                    let k = p.iter().take_while(|s| *s == "super").count();
                    if k > nest.len() {
                        p[nest.len()..].to_vec()
                    } else if k == nest.len() {
                        // back at the file's own module
                        std::iter::once("self".to_string())
                            .chain(p[k..].iter().cloned())
                            .collect()
                    } else {
                        continue; // inside this file's inline modules
                    }
                }
                _ if !nest.is_empty() => continue,
                _ => p,
            };
            let Some(abs) = absolute(c, module, &p) else { continue };
            if let Some(target) = resolve(c, &abs) {
                if &target != file {
                    g.entry(file.clone()).or_default().insert(target);
                }
            }
        }
        g.entry(file.clone()).or_default();
    }
    g
}

/// Strongly connected components with more than one file (Tarjan).
fn circles(g: &BTreeMap<PathBuf, BTreeSet<PathBuf>>) -> Vec<Vec<PathBuf>> {
    struct T<'a> {
        g: &'a BTreeMap<PathBuf, BTreeSet<PathBuf>>,
        index: HashMap<&'a PathBuf, usize>,
        low: HashMap<&'a PathBuf, usize>,
        stack: Vec<&'a PathBuf>,
        on: BTreeSet<&'a PathBuf>,
        next: usize,
        out: Vec<Vec<PathBuf>>,
    }
    fn visit<'a>(t: &mut T<'a>, v: &'a PathBuf) {
        t.index.insert(v, t.next);
        t.low.insert(v, t.next);
        t.next += 1;
        t.stack.push(v);
        t.on.insert(v);
        if let Some(ws) = t.g.get(v) {
            for w in ws {
                let Some((w, _)) = t.g.get_key_value(w) else { continue };
                if !t.index.contains_key(w) {
                    visit(t, w);
                    let l = t.low[v].min(t.low[w]);
                    t.low.insert(v, l);
                } else if t.on.contains(w) {
                    let l = t.low[v].min(t.index[w]);
                    t.low.insert(v, l);
                }
            }
        }
        if t.low[v] == t.index[v] {
            let mut comp = Vec::new();
            loop {
                let w = t.stack.pop().unwrap();
                t.on.remove(w);
                comp.push(w.clone());
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                t.out.push(comp);
            }
        }
    }
    let mut t = T {
        g,
        index: HashMap::new(),
        low: HashMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        next: 0,
        out: Vec::new(),
    };
    for v in g.keys() {
        if !t.index.contains_key(v) {
            visit(&mut t, v);
        }
    }
    t.out
}

fn rel(p: &Path) -> String {
    p.strip_prefix(workspace()).unwrap_or(p).display().to_string()
}

#[test]
fn no_import_circle_inside_any_crate() {
    let mut found = Vec::new();
    for dir in crates() {
        let c = load_crate(&dir);
        for comp in circles(&graph(&c)) {
            found.push(comp.iter().map(|p| rel(p)).collect::<Vec<_>>().join(" ↔ "));
        }
    }
    assert!(found.is_empty(), "import circles:\n{}", found.join("\n"));
}

#[test]
fn no_source_file_over_800_lines() {
    let mut long = Vec::new();
    for dir in crates() {
        let mut files = Vec::new();
        rust_files(&dir.join("src"), &mut files);
        for f in files {
            let name = f.file_name().unwrap().to_str().unwrap();
            if name == "tests.rs" || f.components().any(|c| c.as_os_str() == "generated") {
                continue;
            }
            let n = std::fs::read_to_string(&f).unwrap().lines().count();
            if n > MAX_LINES {
                long.push(format!("{} ({n} lines)", rel(&f)));
            }
        }
    }
    assert!(long.is_empty(), "split these by capability:\n{}", long.join("\n"));
}

/// utoipa names a schema by its type's name (or `#[schema(as = …)]`) and, when two documents
/// merged into /api/v1/openapi.json define the same name, silently keeps one: the other
/// operation's body or answer is then described by a stranger's schema (schemathesis found
/// `Level`, `Drill` and `DueUnit` so). Every `ToSchema` type needs a name of its own.
#[test]
fn every_openapi_schema_name_is_unique() {
    let mut seen: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for dir in crates() {
        let mut files = Vec::new();
        rust_files(&dir.join("src"), &mut files);
        for f in files {
            let src = std::fs::read_to_string(&f).unwrap();
            let lines: Vec<&str> = src.lines().collect();
            for (i, l) in lines.iter().enumerate() {
                // `coded!(` (security_staff, compliance) derives ToSchema for the enum it is
                // given: its name is the first `Name {` line of the invocation.
                if l.trim_start().starts_with("coded!(") {
                    for (j, line) in lines.iter().enumerate().skip(i + 1).take(12) {
                        let t = line.trim();
                        if let Some(ty) = t
                            .strip_suffix(" {")
                            .filter(|n| n.chars().all(|c| c.is_alphanumeric() || c == '_'))
                        {
                            seen.entry(ty.to_string())
                                .or_default()
                                .push(format!("{}:{}", rel(&f), j + 1));
                            break;
                        }
                    }
                    continue;
                }
                if !(l.contains("derive(") && l.contains("ToSchema")) {
                    continue;
                }
                let mut alias = None;
                for (j, line) in lines.iter().enumerate().skip(i).take(12) {
                    let t = line.trim_start();
                    if t.starts_with("#[schema(") {
                        if let Some(rest) = t.split(" as = ").nth(1).or_else(|| t.split("(as = ").nth(1)) {
                            let name: String = rest
                                .chars()
                                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                                .collect();
                            alias = name.rsplit("::").next().map(str::to_string);
                        }
                    }
                    let item = t
                        .strip_prefix("pub(crate) ")
                        .or_else(|| t.strip_prefix("pub "))
                        .unwrap_or(t);
                    if let Some(rest) = item.strip_prefix("struct ").or_else(|| item.strip_prefix("enum ")) {
                        let ty: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                        if ty.is_empty() {
                            // A macro's template (`pub enum $name`): its invocations count above.
                            break;
                        }
                        seen.entry(alias.clone().unwrap_or(ty))
                            .or_default()
                            .push(format!("{}:{}", rel(&f), j + 1));
                        break;
                    }
                }
            }
        }
    }
    let dup: Vec<String> = seen
        .iter()
        .filter(|(_, at)| at.len() > 1)
        .map(|(name, at)| format!("{name}: {}", at.join(", ")))
        .collect();
    assert!(
        dup.is_empty(),
        "OpenAPI schema names used twice (give one `#[schema(as = …)]`):\n{}",
        dup.join("\n")
    );
}

#[test]
fn access_decisions_only_in_the_policy() {
    let mut found = Vec::new();
    for dir in crates() {
        let mut files = Vec::new();
        rust_files(&dir.join("src"), &mut files);
        for f in files {
            if f.ends_with("domain/src/access/permission.rs") || f.ends_with("domain/src/access/principal.rs") {
                continue;
            }
            let src = strip(&std::fs::read_to_string(&f).unwrap());
            for (n, line) in src.lines().enumerate() {
                if line.contains("fn may_") {
                    found.push(format!("{}:{}", rel(&f), n + 1));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "access decided outside the policy table:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_web_layer_cannot_reach_the_store() {
    let manifest = std::fs::read_to_string(workspace().join("crates/web/Cargo.toml")).unwrap();
    assert!(
        !manifest.contains("neibao-store"),
        "crates/web depends on neibao-store: handlers must call services"
    );
}

#[test]
fn the_permission_table_in_docs_is_the_one_in_the_code() {
    let doc = std::fs::read_to_string(workspace().join("docs/SECURITY.md")).unwrap();
    let start = doc
        .find("<!-- permission table: generated, keep in sync -->\n")
        .expect("docs/SECURITY.md has the permission table");
    let body = &doc[start..];
    let body = &body[body.find('\n').unwrap() + 1..body.find("<!-- end of permission table -->").unwrap()];
    assert_eq!(
        body,
        neibao_domain::access::markdown_table(),
        "docs/SECURITY.md's permission table differs from the code; paste the output of \
         `cargo run -p neibao-domain --example permission_table`"
    );
}

/// Whether `doc` (a file under docs/) has the anchor a citation names: `R53` (a numbered
/// requirement), `§b.1` / `§d` (a lettered section of the requirements), `§3` / `§0.7` (a numbered
/// section, or item 7 of section 0).
fn has_anchor(doc: &str, anchor: &str) -> bool {
    if let Some(n) = anchor.strip_prefix('R') {
        return doc.contains(&format!("**R{n}**"));
    }
    let Some(sec) = anchor.strip_prefix('§') else {
        return false;
    };
    let lines: Vec<&str> = doc.lines().collect();
    let heading = |l: &str| l.starts_with('#');
    let mut parts = sec.splitn(2, '.');
    let first = parts.next().unwrap_or("");
    let rest = parts.next();
    if first.chars().all(|c| c.is_ascii_lowercase()) && !first.is_empty() {
        // lettered: "## (b) …" or "### b.1 …"
        return match rest {
            None => lines.iter().any(|l| heading(l) && l.contains(&format!("({first})"))),
            Some(r) => lines.iter().any(|l| {
                heading(l)
                    && l.trim_start_matches('#')
                        .trim_start()
                        .starts_with(&format!("{first}.{r} "))
            }),
        };
    }
    let section = lines
        .iter()
        .position(|l| l.starts_with("## ") && l[3..].starts_with(&format!("{first}. ")));
    match (section, rest) {
        (None, _) => false,
        (Some(_), None) => true,
        (Some(at), Some(item)) => lines[at + 1..]
            .iter()
            .take_while(|l| !l.starts_with("## "))
            .any(|l| l.starts_with(&format!("{item}. "))),
    }
}

/// Every document a doc comment or comment cites is in the repository (`docs/…`, `tests/…`,
/// `data/…`, `scripts/…`), and every anchor it names (`R53`, `§b.1`, `§3`) is there: a reader of
/// the project can follow every citation.
#[test]
fn every_citation_resolves() {
    let cited = ["REQUIREMENTS", "DEVICE-FORMATS", "DESIGN", "GLOSSARY"];
    let mut bad = Vec::new();
    let mut files = Vec::new();
    for dir in crates() {
        rust_files(&dir.join("src"), &mut files);
        rust_files(&dir.join("tests"), &mut files);
    }
    rust_files(&workspace().join("fuzz/fuzz_targets"), &mut files);
    for f in files {
        if f.ends_with("tests/it/architecture.rs") {
            continue; // this checker names the files it looks for
        }
        let src = std::fs::read_to_string(&f).unwrap();
        for (n, line) in src.lines().enumerate() {
            let at = format!("{}:{}", rel(&f), n + 1);
            for name in cited {
                let mut rest = line;
                while let Some(i) = rest.find(name) {
                    let before = &rest[..i];
                    let after = &rest[i + name.len()..];
                    rest = after;
                    // A word of its own: REQUIREMENTS.md, not FOO_REQUIREMENTS.
                    if before.ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                        && !before.ends_with("docs/")
                    {
                        continue;
                    }
                    let whole_word = !after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_');
                    let names_the_file = after.starts_with(".md") || (name == "GLOSSARY" && whole_word);
                    if !names_the_file {
                        continue;
                    }
                    if !before.ends_with("docs/") {
                        bad.push(format!("{at}: cite docs/{name}.md (the path from the repository root)"));
                        continue;
                    }
                    let doc = std::fs::read_to_string(workspace().join(format!("docs/{name}.md"))).unwrap_or_default();
                    let after = after.trim_start_matches(".md");
                    let anchor: String = after
                        .strip_prefix(' ')
                        .filter(|a| {
                            a.starts_with('§') || a.starts_with('R') && a[1..].starts_with(|c: char| c.is_ascii_digit())
                        })
                        .map(|a| {
                            a.chars()
                                .take_while(|c| c.is_alphanumeric() || *c == '§' || *c == '.')
                                .collect::<String>()
                                .trim_end_matches('.')
                                .to_string()
                        })
                        .unwrap_or_default();
                    if doc.is_empty() {
                        bad.push(format!("{at}: docs/{name}.md does not exist"));
                    } else if !anchor.is_empty() && !has_anchor(&doc, &anchor) {
                        bad.push(format!("{at}: docs/{name}.md has no {anchor}"));
                    }
                }
            }
            // Paths of files in the repository.
            for word in line.split(|c: char| c.is_whitespace() || "`()[],;'\"<>（），。、：；".contains(c)) {
                let word = word.trim_end_matches([':', '.']);
                let is_path = ["docs/", "tests/fixtures/", "data/", "scripts/"]
                    .iter()
                    .any(|p| word.starts_with(p))
                    && word.rsplit('/').next().is_some_and(|last| last.contains('.'))
                    && !word.contains(['*', '{', '…']);
                if is_path && !workspace().join(word).exists() {
                    bad.push(format!("{at}: {word} is not in the repository"));
                }
            }
        }
    }
    assert!(bad.is_empty(), "citations that do not resolve:\n{}", bad.join("\n"));
}
