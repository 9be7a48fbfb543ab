//! W3C field names: the standard IIS and HTTP.sys fields corvid types, recognized
//! case-insensitively; any other name is kept as a custom field.

/// A standard field corvid knows the meaning of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum Field {
    Date,
    Time,
    CIp,
    CPort,
    SIp,
    SPort,
    CsVersion,
    CsMethod,
    CsUri,
    StreamId,
    StreamIdEx,
    ScStatus,
    SSiteId,
    SReason,
    SQueueName,
    Transport,
    FaultCode,
    ExtendedFaultCode,
    SSiteName,
    SComputerName,
    CsUriStem,
    CsUriQuery,
    CsUsername,
    UserAgent,
    Cookie,
    Referer,
    CsHost,
    ScSubstatus,
    ScWin32Status,
    ScBytes,
    CsBytes,
    TimeTaken,
}

/// Number of [`Field`] variants (for lookup tables).
pub const FIELD_COUNT: usize = Field::TimeTaken as usize + 1;

impl Field {
    /// Recognizes a `#Fields:` name.
    pub fn from_name(name: &str) -> Option<Field> {
        let lower = name.to_ascii_lowercase();
        Some(match lower.as_str() {
            "date" => Field::Date,
            "time" => Field::Time,
            "c-ip" => Field::CIp,
            "c-port" => Field::CPort,
            "s-ip" => Field::SIp,
            "s-port" => Field::SPort,
            "cs-version" => Field::CsVersion,
            "cs-method" => Field::CsMethod,
            "cs-uri" => Field::CsUri,
            "streamid" => Field::StreamId,
            "streamid_ex" | "streamid-ex" => Field::StreamIdEx,
            "sc-status" => Field::ScStatus,
            "s-siteid" => Field::SSiteId,
            "s-reason" => Field::SReason,
            "s-queuename" => Field::SQueueName,
            "transport" => Field::Transport,
            "fault-code" => Field::FaultCode,
            "extended-fault-code" => Field::ExtendedFaultCode,
            "s-sitename" => Field::SSiteName,
            "s-computername" => Field::SComputerName,
            "cs-uri-stem" => Field::CsUriStem,
            "cs-uri-query" => Field::CsUriQuery,
            "cs-username" => Field::CsUsername,
            "cs(user-agent)" => Field::UserAgent,
            "cs(cookie)" => Field::Cookie,
            "cs(referer)" | "cs(referrer)" => Field::Referer,
            "cs-host" | "cs(host)" => Field::CsHost,
            "sc-substatus" => Field::ScSubstatus,
            "sc-win32-status" => Field::ScWin32Status,
            "sc-bytes" => Field::ScBytes,
            "cs-bytes" => Field::CsBytes,
            "time-taken" => Field::TimeTaken,
            _ => return None,
        })
    }
}

/// Field names only IIS access logs use: their presence in `#Fields:` marks an IIS log.
pub fn is_iis_access_name(name: &str) -> bool {
    matches!(
        Field::from_name(name),
        Some(
            Field::CsUriStem
                | Field::CsUriQuery
                | Field::ScSubstatus
                | Field::ScWin32Status
                | Field::SSiteName
                | Field::TimeTaken
                | Field::CsUsername
        )
    )
}

/// A bound `#Fields:` layout: the names in order and where each known field sits.
#[derive(Debug, Clone)]
pub struct Layout {
    /// Field names as written in the header.
    pub names: Vec<String>,
    /// For each position, the known field, if any.
    pub known: Vec<Option<Field>>,
    /// For each known field, its position.
    pos: [Option<u16>; FIELD_COUNT],
    /// 1-based line of the `#Fields:` directive (0 for an inferred layout).
    pub header_line: u64,
    /// Whether the layout was inferred from the shape of a header-less line.
    pub inferred: bool,
}

impl Layout {
    /// Binds a list of names.
    pub fn new(names: Vec<String>, header_line: u64, inferred: bool) -> Layout {
        let mut pos = [None; FIELD_COUNT];
        let known: Vec<Option<Field>> = names.iter().map(|n| Field::from_name(n)).collect();
        for (i, k) in known.iter().enumerate() {
            if let Some(f) = k {
                // First occurrence wins; a repeated name is kept as a custom field.
                if pos[*f as usize].is_none() && i <= u16::MAX as usize {
                    pos[*f as usize] = Some(i as u16);
                }
            }
        }
        let known = known
            .iter()
            .enumerate()
            .map(|(i, k)| k.filter(|f| pos[*f as usize] == Some(i as u16)))
            .collect();
        Layout {
            names,
            known,
            pos,
            header_line,
            inferred,
        }
    }

    /// Binds names given as a static list.
    pub fn from_static(names: &[&str], inferred: bool) -> Layout {
        Layout::new(names.iter().map(|s| s.to_string()).collect(), 0, inferred)
    }

    /// Position of a known field.
    #[inline]
    pub fn pos(&self, f: Field) -> Option<usize> {
        self.pos[f as usize].map(|p| p as usize)
    }

    /// Whether the layout has the field.
    pub fn has(&self, f: Field) -> bool {
        self.pos[f as usize].is_some()
    }

    /// Number of fields.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether the layout has no field.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}
