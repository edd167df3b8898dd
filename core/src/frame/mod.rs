//! Frame and message limits: a sans-IO assembler fed WebSocket frame headers and payloads that yields complete
//! text messages or the close API Gateway would send (1009 too big, 1003 binary, 1007 invalid UTF-8).

use serde::{Deserialize, Serialize};

use crate::config::Settings;

/// The data-carrying opcodes a client can send (control frames never reach the assembler).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Opcode {
    Text,
    Binary,
    Continuation,
}

/// Why the gateway closes a connection, with its close code and reason beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum CloseCause {
    FrameTooLarge,
    MessageTooLarge,
    BinaryFrame,
    InvalidUtf8,
    /// A continuation without a started message, or a new message before the last one finished.
    ProtocolError,
    IdleTimeout,
    MaxDurationReached,
    /// `DELETE @connections/{id}`.
    DeletedByBackend,
    ServerShutdown,
    /// The client did not read what the gateway had to send it.
    ClientNotReading,
}

impl CloseCause {
    pub fn code(self) -> u16 {
        match self {
            Self::FrameTooLarge | Self::MessageTooLarge => 1009,
            Self::BinaryFrame => 1003,
            Self::InvalidUtf8 => 1007,
            Self::ProtocolError => 1002,
            Self::IdleTimeout | Self::MaxDurationReached | Self::ServerShutdown => 1001,
            Self::DeletedByBackend => 1000,
            Self::ClientNotReading => 1008,
        }
    }

    /// The reason text. AWS documents none for 1009/1003/1007 (docs/behaviour.md §6.3 [?]); we use RFC 6455's names.
    pub fn reason(self) -> &'static str {
        match self {
            Self::FrameTooLarge | Self::MessageTooLarge => "Message Too Big",
            Self::BinaryFrame => "Unsupported Data",
            Self::InvalidUtf8 => "Invalid frame payload data",
            Self::ProtocolError => "Protocol error",
            Self::IdleTimeout | Self::MaxDurationReached | Self::ServerShutdown => "Going away",
            Self::DeletedByBackend => "Connection Closed Normally",
            Self::ClientNotReading => "Policy Violation",
        }
    }
}

/// Frame and message size limits, in bytes of payload (headers excluded); exactly the limit is allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_frame_bytes: usize,
    pub max_message_bytes: usize,
}

impl From<&Settings> for Limits {
    fn from(s: &Settings) -> Self {
        Self {
            max_frame_bytes: s.max_frame_bytes,
            max_message_bytes: s.max_message_bytes,
        }
    }
}

/// What one frame did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Assembled {
    /// More frames are needed.
    Partial,
    /// A complete text message.
    Message(String),
    /// The connection must be closed.
    Close(CloseCause),
}

/// Reassembles fragmented text messages within the limits.
#[derive(Debug, Clone)]
pub struct Assembler {
    limits: Limits,
    buffer: Vec<u8>,
    in_message: bool,
}

impl Assembler {
    pub fn new(limits: Limits) -> Self {
        Self {
            limits,
            buffer: Vec::new(),
            in_message: false,
        }
    }

    /// Judges a frame from its header alone, before its payload is read, so an oversized frame is never buffered.
    pub fn check_header(&self, opcode: Opcode, len: usize) -> Option<CloseCause> {
        match opcode {
            Opcode::Binary => Some(CloseCause::BinaryFrame),
            _ if len > self.limits.max_frame_bytes => Some(CloseCause::FrameTooLarge),
            Opcode::Continuation if !self.in_message => Some(CloseCause::ProtocolError),
            Opcode::Text if self.in_message => Some(CloseCause::ProtocolError),
            _ if self.buffer.len() + len > self.limits.max_message_bytes => {
                Some(CloseCause::MessageTooLarge)
            }
            _ => None,
        }
    }

    /// Feeds one whole frame.
    pub fn push(&mut self, opcode: Opcode, fin: bool, payload: &[u8]) -> Assembled {
        if let Some(cause) = self.check_header(opcode, payload.len()) {
            self.reset();
            return Assembled::Close(cause);
        }
        if fin && !self.in_message {
            // The common case: one unfragmented frame, no copy into the buffer.
            return to_text(payload.to_vec());
        }
        self.buffer.extend_from_slice(payload);
        self.in_message = !fin;
        if fin {
            let bytes = std::mem::take(&mut self.buffer);
            to_text(bytes)
        } else {
            Assembled::Partial
        }
    }

    fn reset(&mut self) {
        self.buffer = Vec::new();
        self.in_message = false;
    }
}

fn to_text(bytes: Vec<u8>) -> Assembled {
    match String::from_utf8(bytes) {
        Ok(text) => Assembled::Message(text),
        Err(_) => Assembled::Close(CloseCause::InvalidUtf8),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assembler() -> Assembler {
        Assembler::new(Limits {
            max_frame_bytes: 32768,
            max_message_bytes: 131072,
        })
    }

    #[test]
    fn frame_of_exactly_32768_bytes_is_accepted_and_one_more_closes_1009() {
        let mut a = assembler();
        assert!(
            matches!(a.push(Opcode::Text, true, &[b'a'; 32768]), Assembled::Message(m) if m.len() == 32768)
        );
        assert_eq!(
            a.push(Opcode::Text, true, &[b'a'; 32769]),
            Assembled::Close(CloseCause::FrameTooLarge)
        );
        assert_eq!(CloseCause::FrameTooLarge.code(), 1009);
    }

    #[test]
    fn five_fragments_of_30000_close_and_four_are_one_message() {
        let mut a = assembler();
        let chunk = [b'x'; 30000];
        for _ in 0..3 {
            assert_eq!(
                a.push(
                    if a.in_message {
                        Opcode::Continuation
                    } else {
                        Opcode::Text
                    },
                    false,
                    &chunk
                ),
                Assembled::Partial
            );
        }
        assert!(
            matches!(a.push(Opcode::Continuation, true, &chunk), Assembled::Message(m) if m.len() == 120000)
        );
        for i in 0..4 {
            let op = if i == 0 {
                Opcode::Text
            } else {
                Opcode::Continuation
            };
            assert_eq!(a.push(op, false, &chunk), Assembled::Partial);
        }
        assert_eq!(
            a.push(Opcode::Continuation, true, &chunk),
            Assembled::Close(CloseCause::MessageTooLarge)
        );
    }

    #[test]
    fn binary_frames_close_with_1003() {
        assert_eq!(
            assembler().check_header(Opcode::Binary, 3),
            Some(CloseCause::BinaryFrame)
        );
        assert_eq!(CloseCause::BinaryFrame.code(), 1003);
    }

    #[test]
    fn invalid_utf8_closes_with_1007_even_across_fragments() {
        let mut a = assembler();
        assert_eq!(
            a.push(Opcode::Text, true, &[0xff, 0xfe]),
            Assembled::Close(CloseCause::InvalidUtf8)
        );
        // A multi-byte character split over two frames is fine.
        let text = "é".as_bytes();
        assert_eq!(a.push(Opcode::Text, false, &text[..1]), Assembled::Partial);
        assert_eq!(
            a.push(Opcode::Continuation, true, &text[1..]),
            Assembled::Message("é".into())
        );
    }

    #[test]
    fn stray_continuation_is_a_protocol_error() {
        assert_eq!(
            assembler().push(Opcode::Continuation, true, b"x"),
            Assembled::Close(CloseCause::ProtocolError)
        );
    }
}
