//! The ordered element tree behind the answer file, read and written with quick-xml.
//!
//! Every setting the typed model does not know lives here unchanged: element names and
//! attributes as written, children in document order. Inside an element that has child
//! elements, whitespace-only text is formatting and is dropped (other text there is trimmed);
//! the text of a leaf element is kept byte for byte.

use std::fmt;

use quick_xml::escape::{partial_escape, resolve_predefined_entity};
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::name::ResolveResult;
use quick_xml::{NsReader, Writer, XmlVersion};
use zeroize::Zeroize;

use crate::error::ParseError;

/// Size limits applied while parsing an answer file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest accepted input in bytes (default 8 MiB).
    pub max_input_bytes: usize,
    /// Deepest accepted element nesting (default 64).
    pub max_depth: usize,
    /// Most elements, text and comment nodes accepted in total (default 200 000).
    pub max_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_input_bytes: 8 * 1024 * 1024,
            max_depth: 64,
            max_nodes: 200_000,
        }
    }
}

/// One attribute, name as written (prefix included) and unescaped value.
#[derive(Clone, PartialEq, Eq)]
pub struct Attribute {
    /// Qualified name as written, for example `Name` or `xmlns`.
    pub name: String,
    /// The value, entities resolved.
    pub value: String,
}

impl Drop for Attribute {
    fn drop(&mut self) {
        // Attribute values may carry passwords (`<User Password="…">` variant).
        self.value.zeroize();
    }
}

/// A child of an [`Element`].
#[derive(Clone, PartialEq, Eq)]
pub enum Node {
    /// A nested element.
    Element(Element),
    /// Character data, entities resolved.
    Text(String),
    /// A comment (content between `<!--` and `-->`).
    Comment(String),
}

/// An XML element with its attributes and children in document order.
#[derive(Clone, PartialEq, Eq)]
pub struct Element {
    /// Qualified name as written (`UPN`, `p:PackageConfig`).
    pub name: String,
    /// Namespace URI the name resolved to when parsed; `None` for built elements.
    /// The writer ignores it: namespaces are written through `xmlns` attributes.
    pub namespace: Option<String>,
    /// Attributes in document order, `xmlns` declarations included.
    pub attributes: Vec<Attribute>,
    /// Children in document order.
    pub children: Vec<Node>,
}

impl Drop for Element {
    fn drop(&mut self) {
        // Raw settings may hold secrets (BPRT tokens, passwords): wipe text on drop.
        for node in &mut self.children {
            match node {
                Node::Text(text) | Node::Comment(text) => text.zeroize(),
                Node::Element(_) => {}
            }
        }
    }
}

impl Element {
    /// An element with no attributes and no children.
    pub fn new(name: impl Into<String>) -> Self {
        Element {
            name: name.into(),
            namespace: None,
            attributes: Vec::new(),
            children: Vec::new(),
        }
    }

    /// Builder: adds an attribute.
    pub fn with_attr(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.attributes.push(Attribute {
            name: name.into(),
            value: value.into(),
        });
        self
    }

    /// Builder: adds a text child.
    pub fn with_text(mut self, text: impl Into<String>) -> Self {
        self.children.push(Node::Text(text.into()));
        self
    }

    /// Builder: adds an element child.
    pub fn with_child(mut self, child: Element) -> Self {
        self.children.push(Node::Element(child));
        self
    }

    /// Adds an element child.
    pub fn push(&mut self, child: Element) {
        self.children.push(Node::Element(child));
    }

    /// The name without its prefix.
    pub fn local_name(&self) -> &str {
        self.name.rsplit(':').next().unwrap_or(&self.name)
    }

    /// The value of the attribute `name`, if present.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|a| a.name == name)
            .map(|a| a.value.as_str())
    }

    /// The text of the element (all text children joined); empty when there is none.
    pub fn text(&self) -> String {
        self.children
            .iter()
            .filter_map(|n| match n {
                Node::Text(t) => Some(t.as_str()),
                _ => None,
            })
            .collect()
    }

    /// Child elements in order.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            _ => None,
        })
    }

    /// The first child element whose local name is `local`.
    pub fn child(&self, local: &str) -> Option<&Element> {
        self.elements().find(|e| e.local_name() == local)
    }

    fn has_element_children(&self) -> bool {
        self.children.iter().any(|n| matches!(n, Node::Element(_)))
    }
}

/// Element names whose text is sensitive and must not reach `Debug` output.
pub(crate) fn is_sensitive_name(name: &str) -> bool {
    let local = name.rsplit(':').next().unwrap_or(name).to_ascii_lowercase();
    local.contains("password")
        || local.contains("secret")
        || matches!(local.as_str(), "securitykey" | "bprt" | "pin" | "key")
}

impl fmt::Debug for Attribute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if is_sensitive_name(&self.name) {
            write!(f, "{}=<redacted>", self.name)
        } else {
            write!(f, "{}={:?}", self.name, self.value)
        }
    }
}

impl fmt::Debug for Element {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sensitive = is_sensitive_name(&self.name);
        let children: Vec<DebugNode<'_>> = self
            .children
            .iter()
            .map(|node| DebugNode { node, sensitive })
            .collect();
        f.debug_struct("Element")
            .field("name", &self.name)
            .field("attributes", &self.attributes)
            .field("children", &children)
            .finish()
    }
}

impl fmt::Debug for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        DebugNode {
            node: self,
            sensitive: false,
        }
        .fmt(f)
    }
}

struct DebugNode<'a> {
    node: &'a Node,
    sensitive: bool,
}

impl fmt::Debug for DebugNode<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.node {
            Node::Element(e) => e.fmt(f),
            Node::Text(_) if self.sensitive => f.write_str("Text(<redacted>)"),
            Node::Text(t) => write!(f, "Text({t:?})"),
            Node::Comment(c) => write!(f, "Comment({c:?})"),
        }
    }
}

/// Parses a whole XML document into its root element.
///
/// Accepts UTF-8 with or without a byte-order mark. Rejects DTDs (no entity games), other
/// encodings, input over the limits, and anything that is not well-formed.
pub fn parse_element_tree(bytes: &[u8], limits: &Limits) -> Result<Element, ParseError> {
    if bytes.len() > limits.max_input_bytes {
        return Err(ParseError::TooLarge {
            size: bytes.len(),
            limit: limits.max_input_bytes,
        });
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(ParseError::Encoding("UTF-16 input".into()));
    }
    let text =
        std::str::from_utf8(bytes).map_err(|e| ParseError::Encoding(format!("not UTF-8: {e}")))?;
    if let Some((offset, c)) = text.char_indices().find(|&(_, c)| !xml_char(c)) {
        return Err(ParseError::Xml {
            offset: offset as u64,
            reason: not_xml_char(c),
        });
    }

    let mut reader = NsReader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let mut nodes = 0usize;
    let mut pending_text = String::new();

    loop {
        let pos = reader.buffer_position();
        let (resolved, event) = reader.read_resolved_event().map_err(|e| ParseError::Xml {
            offset: pos,
            reason: e.to_string(),
        })?;
        let namespace = match resolved {
            // The resolver hands back the declaration's raw text; the namespace name is its
            // unescaped value, or a written file would escape it a second time.
            ResolveResult::Bound(ns) => Some(
                quick_xml::escape::unescape(ns.as_ref())
                    .map_err(|e| ParseError::Xml {
                        offset: pos,
                        reason: format!("namespace name: {e}"),
                    })?
                    .into_owned(),
            ),
            ResolveResult::Unbound => None,
            ResolveResult::Unknown(prefix) => {
                return Err(ParseError::Xml {
                    offset: pos,
                    reason: format!("undeclared namespace prefix `{prefix}`"),
                });
            }
        };
        match event {
            Event::Start(start) => {
                flush_text(&mut pending_text, &mut stack);
                nodes += 1;
                check_node_limits(nodes, stack.len() + 1, limits)?;
                if root.is_some() && stack.is_empty() {
                    return Err(ParseError::Structure(
                        "content after the root element".into(),
                    ));
                }
                stack.push(element_from_start(&start, namespace, pos)?);
            }
            Event::Empty(start) => {
                flush_text(&mut pending_text, &mut stack);
                nodes += 1;
                check_node_limits(nodes, stack.len() + 1, limits)?;
                let element = element_from_start(&start, namespace, pos)?;
                close_element(element, &mut stack, &mut root)?;
            }
            Event::End(_) => {
                flush_text(&mut pending_text, &mut stack);
                let Some(element) = stack.pop() else {
                    return Err(ParseError::Structure("unexpected end tag".into()));
                };
                close_element(element, &mut stack, &mut root)?;
            }
            Event::Text(t) => {
                if !stack.is_empty() {
                    pending_text.push_str(&t.xml_content(XmlVersion::Implicit1_0));
                }
            }
            Event::CData(c) => {
                if !stack.is_empty() {
                    pending_text.push_str(&c.xml_content(XmlVersion::Implicit1_0));
                }
            }
            Event::GeneralRef(r) => {
                let resolved_char = r.resolve_char_ref().map_err(|e| ParseError::Xml {
                    offset: pos,
                    reason: e.to_string(),
                })?;
                let name = r.xml_content(XmlVersion::Implicit1_0);
                let piece = match resolved_char {
                    Some(c) if !xml_char(c) => {
                        return Err(ParseError::Xml {
                            offset: pos,
                            reason: not_xml_char(c),
                        });
                    }
                    Some(c) => c.to_string(),
                    None => resolve_predefined_entity(&name)
                        .map(str::to_owned)
                        .ok_or_else(|| ParseError::Xml {
                            offset: pos,
                            reason: format!("unknown entity `&{name};`"),
                        })?,
                };
                if !stack.is_empty() {
                    pending_text.push_str(&piece);
                }
            }
            Event::Comment(c) => {
                let depth = stack.len();
                if let Some(parent) = stack.last_mut() {
                    flush_text_into(&mut pending_text, parent);
                    nodes += 1;
                    check_node_limits(nodes, depth, limits)?;
                    parent.children.push(Node::Comment(
                        c.xml_content(XmlVersion::Implicit1_0).into_owned(),
                    ));
                }
            }
            Event::DocType(_) => {
                return Err(ParseError::Structure(
                    "DOCTYPE declarations are not accepted in answer files".into(),
                ));
            }
            Event::Decl(decl) => {
                if let Some(Ok(encoding)) = decl.encoding() {
                    let encoding = encoding.to_ascii_lowercase();
                    if encoding != "utf-8" && encoding != "utf8" {
                        return Err(ParseError::Encoding(format!(
                            "declared encoding `{encoding}` (only UTF-8 is supported)"
                        )));
                    }
                }
            }
            Event::PI(_) => {}
            Event::Eof => break,
        }
    }
    if !stack.is_empty() {
        return Err(ParseError::Structure(
            "unclosed element at end of input".into(),
        ));
    }
    root.ok_or_else(|| ParseError::Structure("no root element".into()))
}

fn check_node_limits(nodes: usize, depth: usize, limits: &Limits) -> Result<(), ParseError> {
    if depth > limits.max_depth {
        return Err(ParseError::TooDeep {
            limit: limits.max_depth,
        });
    }
    if nodes > limits.max_nodes {
        return Err(ParseError::TooManyNodes {
            limit: limits.max_nodes,
        });
    }
    Ok(())
}

fn element_from_start(
    start: &BytesStart<'_>,
    namespace: Option<String>,
    pos: u64,
) -> Result<Element, ParseError> {
    let mut element = Element::new(AsRef::<str>::as_ref(&start.name()).to_owned());
    element.namespace = namespace;
    for attribute in start.attributes() {
        let attribute = attribute.map_err(|e| ParseError::Xml {
            offset: pos,
            reason: e.to_string(),
        })?;
        let value = attribute
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|e| ParseError::Xml {
                offset: pos,
                reason: e.to_string(),
            })?;
        // Character references are resolved here, so the raw-input check cannot see them.
        // xmlns declarations are attributes too: this covers namespace names.
        if let Some(c) = value.chars().find(|&c| !xml_char(c)) {
            return Err(ParseError::Xml {
                offset: pos,
                reason: format!("an attribute of `{}`: {}", element.name, not_xml_char(c)),
            });
        }
        element.attributes.push(Attribute {
            name: AsRef::<str>::as_ref(&attribute.key).to_owned(),
            value: value.into_owned(),
        });
    }
    Ok(element)
}

fn flush_text(pending: &mut String, stack: &mut [Element]) {
    if let Some(parent) = stack.last_mut() {
        flush_text_into(pending, parent);
    } else {
        pending.zeroize();
        pending.clear();
    }
}

fn flush_text_into(pending: &mut String, parent: &mut Element) {
    if !pending.is_empty() {
        parent.children.push(Node::Text(std::mem::take(pending)));
    }
}

fn close_element(
    mut element: Element,
    stack: &mut [Element],
    root: &mut Option<Element>,
) -> Result<(), ParseError> {
    normalize_mixed_text(&mut element);
    match stack.last_mut() {
        Some(parent) => parent.children.push(Node::Element(element)),
        None => {
            if root.is_some() {
                return Err(ParseError::Structure("more than one root element".into()));
            }
            *root = Some(element);
        }
    }
    Ok(())
}

/// XML 1.0 `Char`: tab, newline, carriage return, and U+0020 up, except U+FFFE and U+FFFF.
/// Windows' tools refuse a file with any other character, raw or as a reference, and a
/// written file could not carry it.
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
}

fn not_xml_char(c: char) -> String {
    format!("U+{:04X} is not a character XML 1.0 allows", u32::from(c))
}

/// In an element with child elements, text is layout: trim it and drop what is empty.
fn normalize_mixed_text(element: &mut Element) {
    if !element.has_element_children() {
        return;
    }
    let children = std::mem::take(&mut element.children);
    for node in children {
        match node {
            Node::Text(text) => {
                let trimmed = text.trim();
                if !trimmed.is_empty() {
                    element.children.push(Node::Text(trimmed.to_owned()));
                }
            }
            other => element.children.push(other),
        }
    }
}

/// Writes a document: XML declaration (UTF-8, no BOM), then `root` indented by two spaces,
/// then a final newline. Escaping is done by quick-xml.
pub fn write_element_tree(root: &Element) -> Result<Vec<u8>, crate::error::WriteError> {
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))?;
    write_element(&mut writer, root)?;
    let mut out = writer.into_inner();
    out.push(b'\n');
    Ok(out)
}

fn write_element(
    writer: &mut Writer<Vec<u8>>,
    element: &Element,
) -> Result<(), crate::error::WriteError> {
    if element.name.is_empty() {
        return Err(crate::error::WriteError::InvalidName(element.name.clone()));
    }
    let mut start = BytesStart::new(element.name.as_str());
    for attribute in &element.attributes {
        start.push_attribute((attribute.name.as_str(), attribute.value.as_str()));
    }
    if element.children.is_empty() {
        writer.write_event(Event::Empty(start))?;
        return Ok(());
    }
    writer.write_event(Event::Start(start))?;
    for node in &element.children {
        match node {
            Node::Element(child) => write_element(writer, child)?,
            Node::Text(text) => {
                // Quotes need no escaping in element content; keep command lines readable.
                writer.write_event(Event::Text(BytesText::from_escaped(partial_escape(text))))?
            }
            Node::Comment(comment) => {
                if comment.contains("--") || comment.ends_with('-') {
                    return Err(crate::error::WriteError::InvalidComment);
                }
                writer.write_event(Event::Comment(BytesText::from_escaped(comment.as_str())))?;
            }
        }
    }
    writer.write_event(Event::End(BytesEnd::new(element.name.as_str())))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaf_text_survives_and_layout_text_is_dropped() {
        let xml = b"<?xml version=\"1.0\"?>\n<A x=\"1 &amp; 2\">\n  <B> keep &lt;me&gt; </B>\n  <C/>\n</A>";
        let root = parse_element_tree(xml, &Limits::default()).unwrap();
        assert_eq!(root.attr("x"), Some("1 & 2"));
        assert_eq!(root.children.len(), 2);
        assert_eq!(root.child("B").unwrap().text(), " keep <me> ");
        let out = write_element_tree(&root).unwrap();
        let again = parse_element_tree(&out, &Limits::default()).unwrap();
        assert_eq!(root, again);
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<A"),
            "{text}"
        );
        assert!(text.contains("<B> keep &lt;me&gt; </B>"), "{text}");
    }

    #[test]
    fn rejects_doctype_and_limits() {
        let doc = b"<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>";
        assert!(matches!(
            parse_element_tree(doc, &Limits::default()),
            Err(ParseError::Structure(_))
        ));
        let deep = "<a>".repeat(100) + &"</a>".repeat(100);
        assert!(matches!(
            parse_element_tree(deep.as_bytes(), &Limits::default()),
            Err(ParseError::TooDeep { .. })
        ));
        let small = Limits {
            max_input_bytes: 4,
            ..Limits::default()
        };
        assert!(matches!(
            parse_element_tree(b"<abc/>", &small),
            Err(ParseError::TooLarge { .. })
        ));
        assert!(parse_element_tree(b"<a><b></a>", &Limits::default()).is_err());
        assert!(parse_element_tree(b"", &Limits::default()).is_err());
        assert!(parse_element_tree(b"<a/><b/>", &Limits::default()).is_err());
        assert!(parse_element_tree(b"<p:a/>", &Limits::default()).is_err());
    }

    #[test]
    fn namespaces_resolve_for_default_and_prefixed_names() {
        let xml = br#"<R><p:P xmlns:p="urn:x"><p:Q/></p:P><S xmlns="urn:y"><T/></S></R>"#;
        let root = parse_element_tree(xml, &Limits::default()).unwrap();
        let p = root.child("P").unwrap();
        assert_eq!(p.namespace.as_deref(), Some("urn:x"));
        assert_eq!(p.child("Q").unwrap().namespace.as_deref(), Some("urn:x"));
        let s = root.child("S").unwrap();
        assert_eq!(s.child("T").unwrap().namespace.as_deref(), Some("urn:y"));
        assert_eq!(root.namespace, None);
    }

    #[test]
    fn debug_redacts_sensitive_text() {
        let e = Element::new("Password").with_text("topsecret");
        let a = Element::new("User").with_attr("Password", "alsosecret");
        let dbg = format!("{e:?} {a:?}");
        assert!(
            !dbg.contains("topsecret") && !dbg.contains("alsosecret"),
            "{dbg}"
        );
    }
}
