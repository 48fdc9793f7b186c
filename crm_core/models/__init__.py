"""The ORM models, one module per area; internal to crm_core (other packages get dataclasses).

Importing this package registers every table on ``Base.metadata``, which the migration
environment compares against for autogenerate and the tests compare against the migrated schema.
"""

from crm_core.models.acd_log import AcdEvent
from crm_core.models.audit import AuditEntry
from crm_core.models.base import Base, UtcDateTime
from crm_core.models.campaigns import Campaign, CampaignAttempt, CampaignLead, CampaignList
from crm_core.models.contacts import Contact, ContactEmail, ContactPhone
from crm_core.models.follow_ups import DoNotCallEntry, FollowUp
from crm_core.models.interactions import DispositionCode, Interaction, InteractionSegment
from crm_core.models.people import Agent, AgentSkill, User
from crm_core.models.purchases import Purchase
from crm_core.models.routing import Hotline, Queue
from crm_core.models.service_requests import Counter, ServiceRequest, ServiceRequestChange

__all__ = [
    "AcdEvent",
    "Agent",
    "AgentSkill",
    "AuditEntry",
    "Base",
    "Campaign",
    "CampaignAttempt",
    "CampaignLead",
    "CampaignList",
    "Contact",
    "ContactEmail",
    "ContactPhone",
    "Counter",
    "DispositionCode",
    "DoNotCallEntry",
    "FollowUp",
    "Hotline",
    "Interaction",
    "InteractionSegment",
    "Purchase",
    "Queue",
    "ServiceRequest",
    "ServiceRequestChange",
    "User",
    "UtcDateTime",
]
