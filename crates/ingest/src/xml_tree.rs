//! A small element tree over quick-xml, keyed by LOCAL names (docs/DEVICE-FORMATS.md §0.3: match XML
//! by local name and ignore namespaces; Hikvision alone uses five default namespaces).
//!
//! Security: quick-xml does not expand DTD entities, so entity-expansion and external-entity
//! attacks do not apply; only the five predefined entities and character references are resolved.
//! Depth and element count are capped, and text is decoded lossily (never fails on bad UTF-8).

use quick_xml::events::{BytesRef, Event};
use quick_xml::Reader;

use crate::DecodeError;

/// Deepest nesting accepted.
const MAX_DEPTH: usize = 64;
/// Most elements accepted in one document.
const MAX_ELEMENTS: usize = 20_000;

/// One element: local name, concatenated text, children in document order.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Element {
    pub name: String,
    pub text: String,
    pub children: Vec<Element>,
    /// Attributes by local name (namespace prefixes dropped), values unescaped where possible.
    pub attrs: Vec<(String, String)>,
}

impl Element {
    /// First direct child with this local name (ASCII case-insensitive).
    pub fn child(&self, local: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name.eq_ignore_ascii_case(local))
    }

    /// Direct children with this local name.
    pub fn children_named<'a>(&'a self, local: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name.eq_ignore_ascii_case(local))
    }

    /// Trimmed value of the attribute with this local name (ASCII case-insensitive).
    pub fn attr(&self, local: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(local))
            .map(|(_, v)| v.trim())
    }

    /// Trimmed text of the element; `None` when empty.
    pub fn value(&self) -> Option<&str> {
        Some(self.text.trim()).filter(|t| !t.is_empty())
    }

    /// Trimmed, non-empty text of the first direct child with this local name.
    pub fn child_text(&self, local: &str) -> Option<&str> {
        self.child(local).and_then(Element::value)
    }

    /// Trimmed, non-empty text at a path of local names below this element.
    pub fn path_text(&self, path: &[&str]) -> Option<&str> {
        path.iter()
            .try_fold(self, |el, name| el.child(name))
            .and_then(Element::value)
    }

    /// This element or the first descendant (depth first) with this local name.
    pub fn find(&self, local: &str) -> Option<&Element> {
        if self.name.eq_ignore_ascii_case(local) {
            return Some(self);
        }
        self.children.iter().find_map(|c| c.find(local))
    }
}

/// Parses the first root element of `bytes`. Content after the root closes is ignored (trailing
/// multipart framing, a second document). A document cut off after the root opened is returned as
/// far as it goes. Syntax errors, no root, or caps exceeded → [`DecodeError::NotXml`].
pub(crate) fn parse(bytes: &[u8]) -> Result<Element, DecodeError> {
    let mut reader = Reader::from_reader(bytes);
    let config = reader.config_mut();
    config.check_end_names = false;
    config.allow_unmatched_ends = true;

    let mut stack: Vec<Element> = Vec::new();
    let mut count = 0usize;
    loop {
        let event = reader.read_event().map_err(|_| DecodeError::NotXml)?;
        match event {
            Event::Start(e) => {
                count += 1;
                if stack.len() >= MAX_DEPTH || count > MAX_ELEMENTS {
                    return Err(DecodeError::NotXml);
                }
                stack.push(Element {
                    name: lossy(e.local_name().as_ref()),
                    attrs: attributes(&e),
                    ..Element::default()
                });
            }
            Event::Empty(e) => {
                count += 1;
                if count > MAX_ELEMENTS {
                    return Err(DecodeError::NotXml);
                }
                let el = Element {
                    name: lossy(e.local_name().as_ref()),
                    attrs: attributes(&e),
                    ..Element::default()
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None => return Ok(el),
                }
            }
            Event::End(_) => {
                if let Some(done) = stack.pop() {
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(done),
                        None => return Ok(done),
                    }
                }
            }
            Event::Text(t) => push_text(&mut stack, &lossy(&t)),
            Event::CData(t) => push_text(&mut stack, &lossy(&t)),
            Event::GeneralRef(r) => push_text(&mut stack, &resolve_ref(&r)),
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    // Cut off: close what is open.
    let mut root = stack.pop().ok_or(DecodeError::NotXml)?;
    while let Some(mut parent) = stack.pop() {
        parent.children.push(root);
        root = parent;
    }
    Ok(root)
}

/// Most attributes kept per element.
const MAX_ATTRS: usize = 32;

/// Well-formed attributes by local name; reading stops at the first malformed one.
fn attributes(e: &quick_xml::events::BytesStart<'_>) -> Vec<(String, String)> {
    e.attributes()
        .with_checks(false)
        .map_while(Result::ok)
        .take(MAX_ATTRS)
        .map(|a| {
            let value = match a.unescape_value() {
                Ok(v) => v.into_owned(),
                Err(_) => lossy(&a.value),
            };
            (lossy(a.key.local_name().as_ref()), value)
        })
        .collect()
}

fn push_text(stack: &mut [Element], text: &str) {
    if let Some(top) = stack.last_mut() {
        top.text.push_str(text);
    }
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `&amp;`-style and `&#NN;` references; unknown entities are kept verbatim.
fn resolve_ref(r: &BytesRef<'_>) -> String {
    if let Ok(Some(ch)) = r.resolve_char_ref() {
        return ch.to_string();
    }
    let name = lossy(r);
    match quick_xml::escape::resolve_predefined_entity(&name) {
        Some(s) => s.to_string(),
        None => format!("&{name};"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_names_text_refs_and_empty_elements() {
        let doc = b"<?xml version=\"1.0\"?>\r\n<a:Root xmlns:a=\"urn:x\"><a:v>1 &amp; &#50;</a:v><e/><c><![CDATA[<raw>]]></c></a:Root>trailing";
        let root = parse(doc).expect("parses");
        assert_eq!(root.name, "Root");
        assert_eq!(root.child_text("v"), Some("1 & 2"));
        assert_eq!(root.child_text("E"), None);
        assert!(root.child("e").is_some());
        assert_eq!(root.child_text("c"), Some("<raw>"));
    }

    #[test]
    fn truncated_document_keeps_what_arrived() {
        let root = parse(b"<R><a>x</a><b><c>y").expect("parses");
        assert_eq!(root.child_text("a"), Some("x"));
        assert_eq!(root.path_text(&["b", "c"]), Some("y"));
    }

    #[test]
    fn rejects_non_xml_and_deep_nesting() {
        assert_eq!(parse(b"").unwrap_err(), DecodeError::NotXml);
        assert_eq!(parse(b"just text").unwrap_err(), DecodeError::NotXml);
        let deep = "<a>".repeat(MAX_DEPTH + 1);
        assert_eq!(parse(deep.as_bytes()).unwrap_err(), DecodeError::NotXml);
    }
}
