//! Binary XML token encoding: the token and value-type bytes both parsers read, typed
//! substitution values ([`Value`]), template element trees ([`Element`]) and their encoding as a
//! template definition, the name-string nodes of the chunk's common string table (with the
//! 65599 multiplicative name hash), and the record stream `fragment header, TemplateInstance,
//! values, EOF`. Chunk-relative offsets come from the caller (`base` = chunk offset of `out[0]`);
//! which names are already in the chunk is asked of a [`NameTable`].

use crate::simulate::evtx_writer::templates::XmlName;

/// BinXML token bytes (MS-EVEN6 2.2.3 / libevtx "Token types").
pub(crate) mod token {
    /// End of a fragment or document.
    pub(crate) const EOF: u8 = 0x00;
    /// Element start without attributes.
    pub(crate) const OPEN_START: u8 = 0x01;
    /// Element start followed by an attribute list.
    pub(crate) const OPEN_START_ATTRS: u8 = 0x41;
    /// `>` of a start tag with content.
    pub(crate) const CLOSE_START: u8 = 0x02;
    /// `/>` of an empty element.
    pub(crate) const CLOSE_EMPTY: u8 = 0x03;
    /// `</name>`.
    pub(crate) const END_ELEMENT: u8 = 0x04;
    /// A literal value (no more data follows).
    pub(crate) const VALUE: u8 = 0x05;
    /// The last attribute of a list.
    pub(crate) const ATTRIBUTE: u8 = 0x06;
    /// An attribute with more attributes after it.
    pub(crate) const ATTRIBUTE_MORE: u8 = 0x46;
    /// A template instance.
    pub(crate) const TEMPLATE_INSTANCE: u8 = 0x0c;
    /// A normal substitution.
    pub(crate) const NORMAL_SUBSTITUTION: u8 = 0x0d;
    /// An optional substitution (left out when its value is NULL).
    pub(crate) const OPTIONAL_SUBSTITUTION: u8 = 0x0e;
    /// Fragment header token.
    pub(crate) const FRAGMENT_HEADER: u8 = 0x0f;
}

/// Substitution value-type bytes (MS-EVEN6 2.2.4 / libevtx "Value types").
pub(crate) mod value_type {
    /// NULL: the value is absent (size 0).
    pub(crate) const NULL: u8 = 0x00;
    /// UTF-16LE string without terminator.
    pub(crate) const STRING: u8 = 0x01;
    /// 8-bit unsigned integer.
    pub(crate) const UINT8: u8 = 0x04;
    /// 16-bit unsigned integer.
    pub(crate) const UINT16: u8 = 0x06;
    /// 32-bit unsigned integer.
    pub(crate) const UINT32: u8 = 0x08;
    /// 64-bit unsigned integer.
    pub(crate) const UINT64: u8 = 0x0a;
    /// Raw bytes.
    pub(crate) const BINARY: u8 = 0x0e;
    /// GUID (little-endian data1..3).
    pub(crate) const GUID: u8 = 0x0f;
    /// FILETIME.
    pub(crate) const FILETIME: u8 = 0x11;
    /// NT security identifier.
    pub(crate) const SID: u8 = 0x13;
    /// 64-bit integer rendered in hex.
    pub(crate) const HEX_INT64: u8 = 0x15;
    /// A BinXML fragment (here: a nested template instance).
    pub(crate) const BINXML: u8 = 0x21;
}

/// Largest string substitution value in UTF-16 code units (its byte size must fit a u16).
pub(crate) const MAX_VALUE_UNITS: usize = (u16::MAX / 2) as usize;
/// Largest literal value text (its character count is a u16).
pub(crate) const MAX_TEXT_UNITS: usize = u16::MAX as usize;
/// Largest binary substitution value (its size is a u16).
pub(crate) const MAX_BINARY_BYTES: usize = u16::MAX as usize;

/// A typed substitution value of a template instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Value<'a> {
    /// Absent value (not referenced by the template, or left out).
    Null,
    /// UInt8Type.
    U8(u8),
    /// UInt16Type.
    U16(u16),
    /// UInt32Type.
    U32(u32),
    /// UInt64Type.
    U64(u64),
    /// HexInt64Type.
    Hex64(u64),
    /// FileTimeType.
    FileTime(u64),
    /// GuidType, already in wire order.
    Guid([u8; 16]),
    /// SidType, already in wire form.
    Sid(Vec<u8>),
    /// StringType: the string and how many UTF-16 units of it to write (a char boundary).
    Str(&'a str, usize),
    /// BinaryType.
    Binary(&'a [u8]),
    /// BinXmlType: the record's nested template instance, written in its place (its
    /// size is known once written).
    Fragment,
}

impl<'a> Value<'a> {
    /// A string value, cut at a character boundary to at most [`MAX_VALUE_UNITS`] units.
    pub(crate) fn string(s: &'a str) -> Self {
        Value::Str(s, utf16_units_within(s, MAX_VALUE_UNITS))
    }

    /// A binary value, cut to at most [`MAX_BINARY_BYTES`] bytes.
    pub(crate) fn binary(b: &'a [u8]) -> Self {
        Value::Binary(&b[..b.len().min(MAX_BINARY_BYTES)])
    }

    /// The value-type byte of its descriptor.
    pub(crate) fn type_byte(&self) -> u8 {
        match self {
            Value::Null => value_type::NULL,
            Value::U8(_) => value_type::UINT8,
            Value::U16(_) => value_type::UINT16,
            Value::U32(_) => value_type::UINT32,
            Value::U64(_) => value_type::UINT64,
            Value::Hex64(_) => value_type::HEX_INT64,
            Value::FileTime(_) => value_type::FILETIME,
            Value::Guid(_) => value_type::GUID,
            Value::Sid(_) => value_type::SID,
            Value::Str(..) => value_type::STRING,
            Value::Binary(_) => value_type::BINARY,
            Value::Fragment => value_type::BINXML,
        }
    }

    /// Its size in bytes (at most `u16::MAX` by construction).
    pub(crate) fn size(&self) -> usize {
        match self {
            Value::Null => 0,
            Value::U8(_) => 1,
            Value::U16(_) => 2,
            Value::U32(_) => 4,
            Value::U64(_) | Value::Hex64(_) | Value::FileTime(_) => 8,
            Value::Guid(_) => 16,
            Value::Sid(b) => b.len(),
            Value::Str(_, units) => units * 2,
            Value::Binary(b) => b.len(),
            Value::Fragment => 0,
        }
    }

    /// Appends the value's bytes.
    fn write(&self, out: &mut Vec<u8>) {
        match self {
            Value::Null => {}
            Value::U8(v) => out.push(*v),
            Value::U16(v) => out.extend_from_slice(&v.to_le_bytes()),
            Value::U32(v) => out.extend_from_slice(&v.to_le_bytes()),
            Value::U64(v) | Value::Hex64(v) | Value::FileTime(v) => {
                out.extend_from_slice(&v.to_le_bytes())
            }
            Value::Guid(g) => out.extend_from_slice(g),
            Value::Sid(b) => out.extend_from_slice(b),
            Value::Str(s, units) => write_utf16(out, s, *units),
            Value::Binary(b) => out.extend_from_slice(b),
            Value::Fragment => {}
        }
    }
}

/// A substitution token of a template definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Substitution {
    /// Index into the instance's values.
    pub(crate) index: u16,
    /// Value type the template expects there.
    pub(crate) value_type: u8,
    /// OptionalSubstitution (0x0e) rather than NormalSubstitution (0x0d).
    pub(crate) optional: bool,
}

/// An attribute value of a template element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AttrValue {
    /// Literal text, e.g. the `Name` of a `<Data>`.
    Text(String),
    /// A substituted value.
    Sub(Substitution),
}

/// Content of a template element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Content {
    /// A child element.
    Element(Element),
    /// A substituted value.
    Sub(Substitution),
}

/// An element of a template definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Element {
    /// Its name.
    pub(crate) name: XmlName,
    /// Its attributes in order.
    pub(crate) attrs: Vec<(XmlName, AttrValue)>,
    /// Its content; empty gives a `/>` element.
    pub(crate) children: Vec<Content>,
}

/// Where a name of the chunk's string table is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NameSlot {
    /// Already stored at this chunk offset: reference it.
    Existing(u32),
    /// Not yet in the chunk: store it inline, linked to `next` (the previous head of its hash
    /// bucket, 0 for none).
    New {
        /// Chunk offset of the next name node in the same bucket.
        next: u32,
    },
}

/// The chunk's common string table, as the encoder sees it.
pub(crate) trait NameTable {
    /// Looks `name` up; if it is new, records it as stored at chunk offset `at` and says what
    /// its node must link to.
    fn slot(&mut self, name: XmlName, at: u32) -> NameSlot;
}

/// The name hash the string table stores: `h = h * 65599 + unit` over the UTF-16 units, low 16
/// bits.
pub(crate) fn name_hash(name: &str) -> u16 {
    let mut h: u32 = 0;
    for unit in name.encode_utf16() {
        h = h.wrapping_mul(65599).wrapping_add(u32::from(unit));
    }
    (h & 0xFFFF) as u16
}

/// How many UTF-16 units of `s` fit in `max` units without splitting a character.
pub(crate) fn utf16_units_within(s: &str, max: usize) -> usize {
    let mut units = 0usize;
    for c in s.chars() {
        let n = c.len_utf16();
        if units + n > max {
            break;
        }
        units += n;
    }
    units
}

/// Appends the first `units` UTF-16LE units of `s`.
fn write_utf16(out: &mut Vec<u8>, s: &str, units: usize) {
    for unit in s.encode_utf16().take(units) {
        out.extend_from_slice(&unit.to_le_bytes());
    }
}

/// Chunk offset of the next byte appended to `out`; saturates on absurd sizes (such a record
/// never fits its chunk and is discarded).
fn pos(base: u32, out: &[u8]) -> u32 {
    u32::try_from(out.len())
        .ok()
        .and_then(|len| base.checked_add(len))
        .unwrap_or(u32::MAX)
}

/// Overwrites the u32 at `at` with the number of bytes appended since `from`.
fn patch_len(out: &mut [u8], at: usize, from: usize) {
    let len = u32::try_from(out.len().saturating_sub(from)).unwrap_or(u32::MAX);
    if let Some(slot) = out.get_mut(at..at + 4) {
        slot.copy_from_slice(&len.to_le_bytes());
    }
}

/// Appends the BinXML fragment header `0f 01 01 00` (version 1.1, no flags).
pub(crate) fn write_fragment_header(out: &mut Vec<u8>) {
    out.extend_from_slice(&[token::FRAGMENT_HEADER, 1, 1, 0]);
}

/// Appends a name reference: its chunk offset, followed by the name node itself when this is
/// the name's first use in the chunk.
fn write_name_ref(out: &mut Vec<u8>, base: u32, names: &mut impl NameTable, name: XmlName) {
    let at = pos(base, out).saturating_add(4);
    match names.slot(name, at) {
        NameSlot::Existing(offset) => out.extend_from_slice(&offset.to_le_bytes()),
        NameSlot::New { next } => {
            let text = name.as_str();
            let units = utf16_units_within(text, MAX_TEXT_UNITS);
            out.extend_from_slice(&at.to_le_bytes());
            out.extend_from_slice(&next.to_le_bytes());
            out.extend_from_slice(&name_hash(text).to_le_bytes());
            out.extend_from_slice(&(units as u16).to_le_bytes());
            write_utf16(out, text, units);
            out.extend_from_slice(&0u16.to_le_bytes());
        }
    }
}

/// Appends a substitution token.
fn write_substitution(out: &mut Vec<u8>, sub: Substitution) {
    out.push(if sub.optional {
        token::OPTIONAL_SUBSTITUTION
    } else {
        token::NORMAL_SUBSTITUTION
    });
    out.extend_from_slice(&sub.index.to_le_bytes());
    out.push(sub.value_type);
}

/// Appends a literal string value token (`05 01 <count> <UTF-16>`).
fn write_text(out: &mut Vec<u8>, text: &str) {
    let units = utf16_units_within(text, MAX_TEXT_UNITS);
    out.push(token::VALUE);
    out.push(value_type::STRING);
    out.extend_from_slice(&(units as u16).to_le_bytes());
    write_utf16(out, text, units);
}

/// Appends a template element: start tag (with DependencyId 0xFFFF and data size), attribute
/// list, content and end tag.
fn write_element(out: &mut Vec<u8>, base: u32, names: &mut impl NameTable, element: &Element) {
    out.push(if element.attrs.is_empty() {
        token::OPEN_START
    } else {
        token::OPEN_START_ATTRS
    });
    out.extend_from_slice(&0xFFFFu16.to_le_bytes());
    let size_at = out.len();
    out.extend_from_slice(&0u32.to_le_bytes());
    write_name_ref(out, base, names, element.name);
    if !element.attrs.is_empty() {
        let list_size_at = out.len();
        out.extend_from_slice(&0u32.to_le_bytes());
        let list_start = out.len();
        let last = element.attrs.len() - 1;
        for (i, (name, value)) in element.attrs.iter().enumerate() {
            out.push(if i == last {
                token::ATTRIBUTE
            } else {
                token::ATTRIBUTE_MORE
            });
            write_name_ref(out, base, names, *name);
            match value {
                AttrValue::Text(text) => write_text(out, text),
                AttrValue::Sub(sub) => write_substitution(out, *sub),
            }
        }
        patch_len(out, list_size_at, list_start);
    }
    if element.children.is_empty() {
        out.push(token::CLOSE_EMPTY);
    } else {
        out.push(token::CLOSE_START);
        for child in &element.children {
            match child {
                Content::Element(e) => write_element(out, base, names, e),
                Content::Sub(sub) => write_substitution(out, *sub),
            }
        }
        out.push(token::END_ELEMENT);
    }
    // The data size counts everything after the token, DependencyId and the size itself.
    patch_len(out, size_at, size_at + 4);
}

/// How a record refers to its template.
#[derive(Debug, Clone, Copy)]
pub(crate) enum TemplateRef<'t> {
    /// Defined earlier in the chunk at this offset.
    Existing {
        /// Template identifier (first 4 bytes of its GUID).
        id: u32,
        /// Chunk offset of the definition.
        offset: u32,
    },
    /// Defined here, inline after the instance header.
    New {
        /// The template's GUID.
        guid: [u8; 16],
        /// Its root element.
        root: &'t Element,
        /// Next definition in the same template-table bucket (0 for none).
        next: u32,
    },
}

/// The template identifier of a GUID: its first four bytes, little-endian.
pub(crate) fn template_id(guid: &[u8; 16]) -> u32 {
    u32::from_le_bytes([guid[0], guid[1], guid[2], guid[3]])
}

/// A nested template instance: its template and values.
pub(crate) type Fragment<'t, 'v> = (TemplateRef<'t>, &'t [Value<'v>]);

/// Appends a record's BinXML: fragment header, TemplateInstance (with the definition inline
/// when new), the value descriptors and values, and EOF; a [`Value::Fragment`] is
/// `fragment`, written the same way in its place. Returns the chunk offsets of the
/// definitions written here: the record's template's, the fragment's.
pub(crate) fn write_record_binxml(
    out: &mut Vec<u8>,
    base: u32,
    names: &mut impl NameTable,
    template: TemplateRef<'_>,
    values: &[Value<'_>],
    fragment: Option<Fragment<'_, '_>>,
) -> (Option<u32>, Option<u32>) {
    write_fragment_header(out);
    let defined = write_instance(out, base, names, template, values, fragment);
    out.push(token::EOF);
    defined
}

/// Appends a TemplateInstance and its values (see [`write_record_binxml`]).
fn write_instance(
    out: &mut Vec<u8>,
    base: u32,
    names: &mut impl NameTable,
    template: TemplateRef<'_>,
    values: &[Value<'_>],
    mut fragment: Option<Fragment<'_, '_>>,
) -> (Option<u32>, Option<u32>) {
    out.push(token::TEMPLATE_INSTANCE);
    out.push(0x01);
    let defined_at = write_template_ref(out, base, names, template);
    // A fragment template defined in the same hash bucket links to this one.
    if let (Some(at), TemplateRef::New { guid, .. }) = (defined_at, template) {
        if let Some((
            TemplateRef::New {
                guid: inner, next, ..
            },
            _,
        )) = &mut fragment
        {
            if template_id(inner) % 32 == template_id(&guid) % 32 {
                *next = at;
            }
        }
    }
    out.extend_from_slice(
        &u32::try_from(values.len())
            .unwrap_or(u32::MAX)
            .to_le_bytes(),
    );
    let descriptors = out.len();
    for v in values {
        let size = u16::try_from(v.size()).unwrap_or(u16::MAX);
        out.extend_from_slice(&size.to_le_bytes());
        out.push(v.type_byte());
        out.push(0);
    }
    let mut fragment_at = None;
    for (i, v) in values.iter().enumerate() {
        match (v, fragment.take()) {
            (Value::Fragment, Some((inner, inner_values))) => {
                let start = out.len();
                write_fragment_header(out);
                fragment_at = write_instance(out, base, names, inner, inner_values, None).0;
                out.push(token::EOF);
                let size = u16::try_from(out.len() - start).unwrap_or(u16::MAX);
                let at = descriptors + 4 * i;
                out[at..at + 2].copy_from_slice(&size.to_le_bytes());
            }
            (v, rest) => {
                fragment = rest;
                v.write(out);
            }
        }
    }
    (defined_at, fragment_at)
}

/// Appends the template id and definition offset, and the definition itself when new;
/// returns the definition's chunk offset if it was written here.
fn write_template_ref(
    out: &mut Vec<u8>,
    base: u32,
    names: &mut impl NameTable,
    template: TemplateRef<'_>,
) -> Option<u32> {
    match template {
        TemplateRef::Existing { id, offset } => {
            out.extend_from_slice(&id.to_le_bytes());
            out.extend_from_slice(&offset.to_le_bytes());
            None
        }
        TemplateRef::New { guid, root, next } => {
            out.extend_from_slice(&template_id(&guid).to_le_bytes());
            let def = pos(base, out).saturating_add(4);
            out.extend_from_slice(&def.to_le_bytes());
            out.extend_from_slice(&next.to_le_bytes());
            out.extend_from_slice(&guid);
            let size_at = out.len();
            out.extend_from_slice(&0u32.to_le_bytes());
            write_fragment_header(out);
            write_element(out, base, names, root);
            out.push(token::EOF);
            patch_len(out, size_at, size_at + 4);
            Some(def)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_matches_reference_formula() {
        // "Event": computed by hand with h = h * 65599 + c.
        let mut h: u64 = 0;
        for c in "Event".encode_utf16() {
            h = (h * 65599 + u64::from(c)) & 0xFFFF_FFFF;
        }
        assert_eq!(name_hash("Event"), (h & 0xFFFF) as u16);
        assert_eq!(name_hash(""), 0);
    }

    #[test]
    fn utf16_truncation_keeps_pairs_whole() {
        let s = "a\u{1F600}b"; // 1 + 2 + 1 units
        assert_eq!(utf16_units_within(s, 10), 4);
        assert_eq!(utf16_units_within(s, 2), 1);
        assert_eq!(utf16_units_within(s, 3), 3);
        assert_eq!(utf16_units_within("", 3), 0);
    }

    #[test]
    fn value_sizes() {
        assert_eq!(Value::string("héllo").size(), 10);
        let long = "x".repeat(100_000);
        assert_eq!(Value::string(&long).size(), MAX_VALUE_UNITS * 2);
        let big = vec![0u8; 70_000];
        assert_eq!(Value::binary(&big).size(), MAX_BINARY_BYTES);
        assert_eq!(Value::Null.size(), 0);
    }
}
