//! A template definition of an .evtx chunk read from its BinXML tokens (MS-EVEN6 §2.2)
//! into an element tree: names, attributes and content, each value a literal or a
//! substitution slot. `template` turns the tree into a plan. A definition with tokens
//! the tree does not hold (character or entity references, CDATA, nested templates,
//! values other than strings) gives no tree.

use super::template::Source;

/// BinXML tokens (MS-EVEN6 §2.2.3.1); the 0x40 bit marks "more data follows".
mod token {
    pub const EOF: u8 = 0x00;
    pub const OPEN_START: u8 = 0x01;
    pub const CLOSE_START: u8 = 0x02;
    pub const CLOSE_EMPTY: u8 = 0x03;
    pub const END_ELEMENT: u8 = 0x04;
    pub const VALUE: u8 = 0x05;
    pub const ATTRIBUTE: u8 = 0x06;
    pub const NORMAL_SUBSTITUTION: u8 = 0x0d;
    pub const OPTIONAL_SUBSTITUTION: u8 = 0x0e;
    pub const FRAGMENT_HEADER: u8 = 0x0f;
    pub const MORE: u8 = 0x40;
}

/// Value type of a UTF-16 string (MS-EVEN6 §2.2.3.2, `StringType`).
const STRING_TYPE: u8 = 0x01;
/// A template definition's header: next-template offset, GUID and data size.
const DEFINITION_HEADER: usize = 24;
/// A name's header before its characters: next-name offset, hash, character count.
const NAME_HEADER: usize = 8;

/// One element of the definition.
#[derive(Debug, Default)]
pub struct Element {
    pub name: String,
    pub attributes: Vec<(String, Vec<Source>)>,
    pub text: Vec<Source>,
    /// The slots of `text` that are optional substitutions.
    optional: Vec<u16>,
    pub children: Vec<Element>,
}

impl Element {
    /// A nameless element whose one child is `child`.
    pub fn parent_of(child: Element) -> Element {
        Element {
            children: vec![child],
            ..Element::default()
        }
    }

    /// Whether the renderer leaves the element out when its value is empty: its whole
    /// content is one optional substitution.
    pub fn omitted_when_empty(&self) -> bool {
        matches!(self.text.as_slice(), [Source::Slot(i)] if self.optional.contains(i))
            && self.children.is_empty()
    }
}

/// The root element of the definition at `offset`.
pub fn root_at(chunk: &[u8], offset: usize) -> Option<Element> {
    let size = u32_at(chunk, offset.checked_add(20)?)? as usize;
    let start = offset.checked_add(DEFINITION_HEADER)?;
    let end = start.checked_add(size)?.min(chunk.len());
    Reader {
        chunk,
        pos: start,
        end,
    }
    .read()
}

/// The definition's bytes, for telling definitions apart.
pub fn definition_bytes(chunk: &[u8], offset: usize) -> Option<&[u8]> {
    let size = u32_at(chunk, offset.checked_add(20)?)? as usize;
    let start = offset.checked_add(DEFINITION_HEADER)?;
    chunk.get(start..start.checked_add(size)?)
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(
        b.get(at..at.checked_add(2)?)?.try_into().ok()?,
    ))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(
        b.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

/// UTF-16LE text of `chars` characters at `at`.
fn utf16_at(b: &[u8], at: usize, chars: usize) -> Option<String> {
    let bytes = b.get(at..at.checked_add(chars.checked_mul(2)?)?)?;
    let units = bytes
        .chunks_exact(2)
        .map(|u| u16::from_le_bytes([u[0], u[1]]));
    char::decode_utf16(units)
        .collect::<Result<String, _>>()
        .ok()
}

/// Reads the tokens of one definition into its root element.
struct Reader<'a> {
    chunk: &'a [u8],
    pos: usize,
    end: usize,
}

impl Reader<'_> {
    fn read(mut self) -> Option<Element> {
        let mut stack: Vec<Element> = Vec::new();
        let mut root = None;
        // The attribute whose value the next values are, until the start tag closes.
        let mut in_attribute = false;
        while self.pos < self.end && root.is_none() {
            let t = self.u8()?;
            match t & !token::MORE {
                token::EOF => break,
                token::FRAGMENT_HEADER => self.skip(3)?,
                token::OPEN_START => {
                    stack.push(self.open_start(t & token::MORE != 0)?);
                    in_attribute = false;
                }
                token::ATTRIBUTE => {
                    let name = self.name()?;
                    stack.last_mut()?.attributes.push((name, Vec::new()));
                    in_attribute = true;
                }
                token::CLOSE_START => in_attribute = false,
                token::CLOSE_EMPTY | token::END_ELEMENT => {
                    in_attribute = false;
                    let done = stack.pop()?;
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(done),
                        None => root = Some(done),
                    }
                }
                token::VALUE | token::NORMAL_SUBSTITUTION | token::OPTIONAL_SUBSTITUTION => {
                    let piece = self.piece(t & !token::MORE)?;
                    let open = stack.last_mut()?;
                    match (in_attribute, open.attributes.last_mut(), &piece) {
                        (true, Some((_, value)), _) => value.push(piece),
                        (_, _, Source::Slot(i))
                            if t & !token::MORE == token::OPTIONAL_SUBSTITUTION =>
                        {
                            open.optional.push(*i);
                            open.text.push(piece);
                        }
                        _ => open.text.push(piece),
                    }
                }
                _ => return None,
            }
        }
        root
    }

    fn open_start(&mut self, has_attributes: bool) -> Option<Element> {
        self.skip(2 + 4)?; // dependency id, data size
        let name = self.name()?;
        if has_attributes {
            self.skip(4)?; // attribute list size
        }
        Some(Element {
            name,
            ..Element::default()
        })
    }

    /// A value token (a UTF-16 string) or a substitution.
    fn piece(&mut self, t: u8) -> Option<Source> {
        if t == token::VALUE {
            if self.u8()? != STRING_TYPE {
                return None;
            }
            let chars = u16_at(self.chunk, self.pos)? as usize;
            let text = utf16_at(self.chunk, self.pos + 2, chars)?;
            self.skip(2 + chars * 2)?;
            return Some(Source::Literal(text));
        }
        let slot = u16_at(self.chunk, self.pos)?;
        self.skip(3)?; // index, value type
        Some(Source::Slot(slot))
    }

    /// A name reference: the name is stored at its offset in the chunk, and written
    /// right here when that offset is where the reader is.
    fn name(&mut self) -> Option<String> {
        let at = u32_at(self.chunk, self.pos)? as usize;
        self.skip(4)?;
        let chars = u16_at(self.chunk, at.checked_add(6)?)? as usize;
        let name = utf16_at(self.chunk, at.checked_add(NAME_HEADER)?, chars)?;
        if at == self.pos {
            self.skip(NAME_HEADER + chars * 2 + 2)?;
        }
        Some(name)
    }

    fn u8(&mut self) -> Option<u8> {
        let b = *self.chunk.get(self.pos)?;
        self.pos += 1;
        Some(b)
    }

    fn skip(&mut self, n: usize) -> Option<()> {
        self.pos = self.pos.checked_add(n)?;
        (self.pos <= self.end).then_some(())
    }
}
