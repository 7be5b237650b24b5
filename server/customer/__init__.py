"""The virtual customer: one state machine (`state`), voices that put it into words (`scripted`,
`llm`) and the conversation runner the CLI, the web app and voice share (`runner`)."""

from server.customer.llm import LLMVoice
from server.customer.prompt import system_prompt
from server.customer.runner import (
    Conversation,
    ConversationError,
    CustomerReply,
    TurnRecord,
)
from server.customer.scripted import ScriptedVoice
from server.customer.spoken import Spoken, Voice
from server.customer.state import CustomerState, IssueState, Reaction, advance, initial_state

__all__ = [
    "Conversation",
    "ConversationError",
    "CustomerReply",
    "CustomerState",
    "IssueState",
    "LLMVoice",
    "Reaction",
    "ScriptedVoice",
    "Spoken",
    "TurnRecord",
    "Voice",
    "advance",
    "initial_state",
    "system_prompt",
]
