//! Talk between the cells and exercise control in a served session: who a message is from
//! and to, the channel it came by (one list, [`MessageChannel::ALL`], that consoles and docs
//! derive theirs from), and the limits on its text. Messages are journaled but do not touch
//! the simulation: replay passes over them.

use serde::{Deserialize, Serialize};

/// The longest message text, in characters.
pub const MAX_TEXT: usize = 2000;

/// The longest name control may sign a message with.
pub const MAX_SIGNATURE: usize = 60;

/// The ways a message reaches its addressee, mirroring the real ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageChannel {
    /// A telephone call.
    Phone,
    /// An email.
    Email,
    /// A post on the EI-ISAC portal.
    EiIsacPortal,
    /// A text message.
    Text,
    /// A conference call or video meeting.
    ConferenceCall,
    /// Said in person (a runner, a walk down the hall).
    InPerson,
}

impl MessageChannel {
    /// Every channel, in the order consoles offer them.
    pub const ALL: [MessageChannel; 6] = [
        MessageChannel::Phone,
        MessageChannel::Email,
        MessageChannel::EiIsacPortal,
        MessageChannel::Text,
        MessageChannel::ConferenceCall,
        MessageChannel::InPerson,
    ];

    /// The channel in words.
    pub fn label(self) -> &'static str {
        match self {
            MessageChannel::Phone => "phone",
            MessageChannel::Email => "email",
            MessageChannel::EiIsacPortal => "EI-ISAC portal",
            MessageChannel::Text => "text message",
            MessageChannel::ConferenceCall => "conference call",
            MessageChannel::InPerson => "in person",
        }
    }

    /// The channel as the protocol and the journal write it.
    pub fn id(self) -> &'static str {
        match self {
            MessageChannel::Phone => "phone",
            MessageChannel::Email => "email",
            MessageChannel::EiIsacPortal => "ei_isac_portal",
            MessageChannel::Text => "text",
            MessageChannel::ConferenceCall => "conference_call",
            MessageChannel::InPerson => "in_person",
        }
    }
}

/// One end of a message: exercise control, or a team (by id).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    /// Exercise control (the facilitator), who may sign as any simulated organisation.
    Control,
    /// A team, by id.
    Team(String),
}

impl Party {
    /// The team's id, if a team.
    pub fn team(&self) -> Option<&str> {
        match self {
            Party::Team(t) => Some(t),
            Party::Control => None,
        }
    }
}

impl std::fmt::Display for Party {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Party::Control => f.write_str("control"),
            Party::Team(t) => f.write_str(t),
        }
    }
}

/// A message as journaled and delivered.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Message {
    /// Its number in the session (from 1).
    pub number: u64,
    /// The tick at which it was sent.
    pub tick: u32,
    /// Clock time.
    pub time: String,
    /// Who sent it.
    pub from: Party,
    /// Who it is for.
    pub to: Party,
    /// How it came.
    pub channel: MessageChannel,
    /// The organisation control signed it as ("FBI"); absent from a team.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed: Option<String>,
    /// The text.
    pub text: String,
}

impl Message {
    /// The sender as the addressee sees it: a team's id, or the organisation control signed as.
    pub fn sender(&self) -> String {
        match (&self.from, &self.signed) {
            (Party::Control, Some(s)) => s.clone(),
            (p, _) => p.to_string(),
        }
    }

    /// One line: "08:00 harbor → control (phone): text".
    pub fn summary(&self) -> String {
        format!("{} → {} ({}): {}", self.sender(), self.to, self.channel.label(), self.text)
    }

    /// Whether a team sent it or is its addressee.
    pub fn involves(&self, team: &str) -> bool {
        self.from.team() == Some(team) || self.to.team() == Some(team)
    }
}

/// Why a message cannot be sent; each says what to write instead.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MessageError {
    /// Nothing but white space.
    #[error("the message is empty")]
    Empty,
    /// Over [`MAX_TEXT`] characters.
    #[error("the message is {0} characters long; at most {MAX_TEXT}")]
    TooLong(usize),
    /// Holds control characters other than line breaks and tabs.
    #[error("the message holds control characters")]
    ControlCharacters,
    /// Control's signature is empty, too long or holds control characters.
    #[error("sign the message with a name of 1 to {MAX_SIGNATURE} characters")]
    Signature,
}

/// Checks a message's text (and control's signature): not empty, not too long, no control
/// characters but line breaks and tabs.
pub fn check_text(text: &str, signed: Option<&str>) -> Result<(), MessageError> {
    if text.trim().is_empty() {
        return Err(MessageError::Empty);
    }
    let n = text.chars().count();
    if n > MAX_TEXT {
        return Err(MessageError::TooLong(n));
    }
    if text.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(MessageError::ControlCharacters);
    }
    if let Some(s) = signed
        && (s.trim().is_empty() || s.chars().count() > MAX_SIGNATURE || s.chars().any(char::is_control))
    {
        return Err(MessageError::Signature);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channels_have_one_id_each_and_their_ids_are_the_serde_names() {
        for c in MessageChannel::ALL {
            assert_eq!(serde_json::to_string(&c).unwrap(), format!("\"{}\"", c.id()));
            assert!(!c.label().is_empty());
        }
        let ids: std::collections::BTreeSet<_> = MessageChannel::ALL.iter().map(|c| c.id()).collect();
        assert_eq!(ids.len(), MessageChannel::ALL.len());
    }

    #[test]
    fn parties_read_as_control_or_a_team() {
        assert_eq!(serde_json::to_string(&Party::Control).unwrap(), "\"control\"");
        assert_eq!(serde_json::to_string(&Party::Team("pa".into())).unwrap(), r#"{"team":"pa"}"#);
    }

    #[test]
    fn bad_text_is_refused_with_a_reason() {
        assert!(check_text("call the vendor", None).is_ok());
        assert_eq!(check_text("  ", None).unwrap_err().to_string(), "the message is empty");
        let long = check_text(&"x".repeat(MAX_TEXT + 1), None).unwrap_err();
        assert_eq!(long, MessageError::TooLong(MAX_TEXT + 1));
        assert!(long.to_string().contains("at most"));
        assert!(check_text("a\u{7}b", None).is_err());
        assert!(check_text("ok", Some("")).is_err());
        assert!(check_text("ok", Some("FBI")).is_ok());
    }
}
