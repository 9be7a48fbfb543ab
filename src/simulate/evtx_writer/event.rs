//! The public description of one event to write: [`Event`] holds the `<System>` values and
//! [`EventData`] the `<EventData>` payload (named or positional `<Data>` items and an optional
//! `<Binary>`). These are plain data; nothing here knows about the binary format.

/// One event to write.
///
/// Optional members that are `None` leave their attribute or element out of the event
/// (for example `qualifiers: None` gives `<EventID>1000</EventID>` with no `Qualifiers`).
/// Strings that are not valid GUIDs / SIDs in `provider_guid` / `user_sid` are left out too.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Event {
    /// `Provider/@Name`, e.g. `Microsoft-Windows-WAS`.
    pub provider_name: String,
    /// `Provider/@Guid`, e.g. `{524B5D04-133C-4A62-8362-64E8EDB9CE40}` (braces optional).
    /// Stored as a binary GUID; parsers render it in lowercase.
    pub provider_guid: Option<String>,
    /// `Provider/@EventSourceName`, the classic source name, e.g. `WAS`.
    pub event_source_name: Option<String>,
    /// The 16-bit `EventID`.
    pub event_id: u16,
    /// `EventID/@Qualifiers`, e.g. 32768 for classic warnings; `None` leaves the attribute out.
    pub qualifiers: Option<u16>,
    /// `Version`; `None` leaves the element out.
    pub version: Option<u8>,
    /// `Level` (1 critical, 2 error, 3 warning, 4 information).
    pub level: u8,
    /// `Task`.
    pub task: u16,
    /// `Opcode`; `None` leaves the element out.
    pub opcode: Option<u8>,
    /// `Keywords`, e.g. `0x80000000000000` for classic events.
    pub keywords: u64,
    /// `TimeCreated/@SystemTime` as a FILETIME (100 ns ticks since 1601-01-01 UTC). It is also
    /// the record header's written time.
    pub time_created: u64,
    /// `Execution/@ProcessID`.
    pub execution_pid: u32,
    /// `Execution/@ThreadID`.
    pub execution_tid: u32,
    /// `Channel`, e.g. `System` or `Application`.
    pub channel: String,
    /// `Computer`, e.g. `WEB01.contoso.local`.
    pub computer: String,
    /// `Security/@UserID` as an `S-1-...` string; `None` gives an empty `<Security/>`.
    pub user_sid: Option<String>,
    /// The `<EventData>` payload.
    pub data: EventData,
}

/// The `<EventData>` payload of an [`Event`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum EventData {
    /// `<EventData><Data Name="AppPoolID">x</Data>...<Binary>..</Binary></EventData>`.
    Named {
        /// `(Name, value)` pairs in order.
        fields: Vec<(String, String)>,
        /// Bytes of the `<Binary>` element (rendered as hex), if any.
        binary: Option<Vec<u8>>,
    },
    /// `<EventData><Data>a</Data><Data>b</Data>...</EventData>`: classic unnamed insertion
    /// strings.
    Positional {
        /// The values in order (`%1`, `%2`, ...).
        values: Vec<String>,
        /// Bytes of the `<Binary>` element (rendered as hex), if any.
        binary: Option<Vec<u8>>,
    },
    /// No `<EventData>` element at all.
    #[default]
    None,
}
