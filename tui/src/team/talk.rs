//! The team console's messages window: write to exercise control or another team by one of
//! the real channels (phone, email, the EI-ISAC portal...), and read what came, newest first.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};
use ttx_engine::talk::{MAX_TEXT, Message, MessageChannel, Party};
use ttx_protocol::ClientMsg;

use super::{Level, TeamConsole, TeamOverlay};
use crate::chrome::{centered, popup};
use crate::input::TextInput;
use crate::keys::Common;
use crate::team_keys::TeamAction;
use crate::text::{truncate, wrap};

/// A message being written, and the window's scroll.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Draft {
    /// The addressee: 0 is control, then the other teams in the directory's order.
    pub to: usize,
    /// An index into [`MessageChannel::ALL`].
    pub channel: usize,
    /// The field Left and Right act on: 0 the addressee, 1 the channel (change it), 2 the text
    /// (move the cursor). Typing always goes to the text, and brings the focus there.
    pub field: usize,
    /// The text.
    pub text: TextInput,
    /// Messages scrolled past (from the newest).
    pub scroll: usize,
}

/// The draft's field that holds the text.
const TEXT_FIELD: usize = 2;

impl TeamConsole {
    /// Who the team may write to: control, then the other teams, as (party, label).
    pub fn addressees(&self) -> Vec<(Party, String)> {
        let mut v = vec![(Party::Control, "Exercise control".to_string())];
        v.extend(
            self.directory.teams.iter().map(|(id, name)| (Party::Team(id.clone()), format!("{name} ({id})"))),
        );
        v
    }

    /// The team's messages, sent and received, oldest first.
    pub fn messages(&self) -> &[Message] {
        &self.messages
    }

    /// The message being written.
    pub fn draft(&self) -> &Draft {
        &self.draft
    }

    /// The server delivered a message to or from the team.
    pub(super) fn message_arrived(&mut self, m: Message) {
        if self.messages.iter().any(|x| x.number == m.number) {
            return;
        }
        if m.to.team() == Some(self.view.team.as_str()) {
            self.set_status(
                Level::Warn,
                format!("Message from {} by {}: {} (m: messages)", m.sender(), m.channel.label(), m.text),
            );
            self.ring = self.bell;
        }
        self.messages.push(m);
    }

    /// The server's answer to a message: sent (in the journal), or refused and why. False
    /// when the answer is not to one of the team's messages.
    pub(super) fn message_answer(&mut self, id: u64, refused: Option<&str>) -> bool {
        let Some(i) = self.talk_waiting.iter().position(|w| *w == id) else { return false };
        self.talk_waiting.remove(i);
        match refused {
            None => self.set_status(Level::Info, "Message sent."),
            Some(why) => self.set_status(Level::Error, format!("Message not sent: {why}.")),
        }
        true
    }

    pub(super) fn open_talk(&mut self) {
        self.overlay = Some(TeamOverlay::Talk);
    }

    pub(super) fn update_talk(&mut self, action: TeamAction) {
        let n_to = self.addressees().len().max(1);
        let d = &mut self.draft;
        match action {
            TeamAction::Common(Common::Close) => return,
            TeamAction::Common(Common::NextField) => d.field = (d.field + 1) % (TEXT_FIELD + 1),
            TeamAction::Common(Common::PrevField) => d.field = (d.field + TEXT_FIELD) % (TEXT_FIELD + 1),
            TeamAction::Common(Common::Left) if d.field == TEXT_FIELD => d.text.left(),
            TeamAction::Common(Common::Right) if d.field == TEXT_FIELD => d.text.right(),
            TeamAction::Common(Common::Left) | TeamAction::Common(Common::Right) => {
                let (slot, n) = if d.field == 0 {
                    (&mut d.to, n_to)
                } else {
                    (&mut d.channel, MessageChannel::ALL.len())
                };
                *slot = if action == TeamAction::Common(Common::Right) {
                    (*slot + 1) % n
                } else {
                    (*slot + n - 1) % n
                };
            }
            TeamAction::Common(Common::Up) => d.scroll = d.scroll.saturating_sub(1),
            TeamAction::Common(Common::Down) => {
                d.scroll = (d.scroll + 1).min(self.messages.len().saturating_sub(1))
            }
            TeamAction::Input(c) => {
                d.text.insert(c, MAX_TEXT);
                d.field = TEXT_FIELD;
            }
            TeamAction::Common(Common::Backspace) => d.text.backspace(),
            TeamAction::Common(Common::Submit) => self.send_draft(),
            _ => {}
        }
        self.overlay = Some(TeamOverlay::Talk);
    }

    fn send_draft(&mut self) {
        let text = self.draft.text.text.trim().to_string();
        if text.is_empty() {
            self.set_status(Level::Warn, "Type the message, then Enter.");
            return;
        }
        let Some((to, label)) = self.addressees().into_iter().nth(self.draft.to) else { return };
        let channel = MessageChannel::ALL[self.draft.channel % MessageChannel::ALL.len()];
        let id = self.next_id();
        self.outbox.push(ClientMsg::Message { id, to, channel, text, signed: None });
        self.talk_waiting.push(id);
        self.draft.text = TextInput::default();
        self.draft.field = 0;
        self.set_status(Level::Info, format!("Sending to {label} by {}...", channel.label()));
    }
}

/// Draws the messages window.
pub fn draw_talk(c: &TeamConsole, area: Rect, buf: &mut Buffer) {
    let t = c.theme();
    let r = centered(area, area.width.saturating_sub(4).min(100), area.height);
    let inner = popup(t, " Messages: to exercise control or another team ", r, buf);
    let width = usize::from(inner.width);
    let d = c.draft();
    let to = c.addressees().into_iter().nth(d.to).map_or("?".to_string(), |(_, l)| l);
    let by = MessageChannel::ALL[d.channel % MessageChannel::ALL.len()].label();
    let field = |i: usize| if d.field == i { t.key() } else { t.text() };
    let mut lines = vec![
        Line::from(vec![Span::styled("  To: ", t.dim()), Span::styled(format!("< {to} >"), field(0))]),
        Line::from(vec![Span::styled("  By: ", t.dim()), Span::styled(format!("< {by} >"), field(1))]),
    ];
    for l in wrap(&d.text.shown(), width.saturating_sub(8)) {
        let head = if lines.len() == 2 { "Text: " } else { "      " };
        let head_style = if d.field == TEXT_FIELD { t.key() } else { t.dim() };
        lines.push(Line::from(vec![Span::styled(head, head_style), Span::styled(l, t.text())]));
    }
    lines.push(Line::styled("─".repeat(width), t.border()));
    let team = c.view().team.as_str();
    if c.messages().is_empty() {
        lines.push(Line::styled("No messages yet.", t.dim()));
    }
    for m in c.messages().iter().rev().skip(d.scroll) {
        let head = if m.to.team() == Some(team) {
            format!("{} from {} by {}", m.time, m.sender(), m.channel.label())
        } else {
            format!("{} to {} by {}", m.time, m.to, m.channel.label())
        };
        lines.push(Line::styled(truncate(&head, width), t.title()));
        for l in wrap(&m.text, width.saturating_sub(2)) {
            lines.push(Line::styled(format!("  {l}"), t.text()));
        }
    }
    Paragraph::new(lines).render(inner, buf);
}
