"""SQLAlchemy tables of the policy database (runs on SQLAlchemy 1.4 and 2.0)."""
from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import declarative_base, relationship

# Bumped with every change to the tables: part of the catalogue digest, so an older database is rebuilt.
SCHEMA_VERSION = "2026-12-07 contacts_in_text"

Base = declarative_base()


class DocumentRow(Base):
    __tablename__ = "documents"
    id = Column(String(64), primary_key=True)
    position = Column(Integer, nullable=False)
    issuer = Column(Text, nullable=False)
    number = Column(Text)
    number_note = Column(Text)
    title = Column(Text, nullable=False)
    title_note = Column(Text)
    issued_on = Column(Date)
    date_note = Column(Text)
    valid_from = Column(Date)
    valid_to = Column(Date)
    validity_note = Column(Text)
    jurisdiction = Column(String(32), nullable=False)
    addressed_to = Column(Text)
    source_text = Column(Text)


class DepartmentRow(Base):
    __tablename__ = "departments"
    id = Column(Integer, primary_key=True)
    name = Column(Text, nullable=False, unique=True)


class MeasureRow(Base):
    __tablename__ = "measures"
    id = Column(String(64), primary_key=True)
    document_id = Column(String(64), ForeignKey("documents.id"), nullable=False, index=True)
    position = Column(Integer, nullable=False)
    title = Column(Text, nullable=False)
    summary = Column(Text, nullable=False)
    benefit = Column(Text, nullable=False)
    category = Column(String(32), nullable=False, index=True)
    kind = Column(String(16), nullable=False, index=True)  # apply / service / direction
    source_section = Column(Text, nullable=False)
    source_excerpt = Column(Text, nullable=False)
    source_also = Column(Text)
    source_task = Column(Integer)
    keywords = Column(JSON, nullable=False, default=list)
    contacts_in_text = Column(Boolean, nullable=False, default=True)  # False: the document's default contacts
    contacts = relationship("MeasureContactRow", order_by="MeasureContactRow.position", lazy="selectin")
    criteria = relationship("CriterionRow", order_by="CriterionRow.id", lazy="selectin")
    confirmations = relationship("ConfirmationRow", order_by="ConfirmationRow.position", lazy="selectin")
    extra_benefits = relationship("ExtraBenefitRow", order_by="ExtraBenefitRow.position", lazy="selectin")


class MeasureContactRow(Base):
    __tablename__ = "measure_contacts"
    measure_id = Column(String(64), ForeignKey("measures.id"), primary_key=True)
    position = Column(Integer, primary_key=True)
    department_id = Column(Integer, ForeignKey("departments.id"))
    listed_as = Column(Text)  # verbatim 责任单位 when it differs from the department's name
    resolve = Column(String(32))  # set instead of a department: resolved from the firm's profile
    current_name = Column(Text)  # the unit's name today when it was reorganised since the document
    note = Column(Text)
    department = relationship("DepartmentRow", lazy="joined")


class ExtraBenefitRow(Base):
    __tablename__ = "extra_benefits"
    id = Column(Integer, primary_key=True)
    measure_id = Column(String(64), ForeignKey("measures.id"), nullable=False, index=True)
    position = Column(Integer, nullable=False)
    text = Column(Text, nullable=False)


class CriterionRow(Base):
    """One node of a criteria tree. Roots have no parent; a root belongs to the measure or to one extra benefit."""

    __tablename__ = "criteria"
    id = Column(Integer, primary_key=True)
    measure_id = Column(String(64), ForeignKey("measures.id"), nullable=False, index=True)
    extra_benefit_id = Column(Integer, ForeignKey("extra_benefits.id"))
    parent_id = Column(Integer, ForeignKey("criteria.id"))
    position = Column(Integer, nullable=False)
    kind = Column(String(8), nullable=False)  # all / any / not / leaf
    field = Column(String(32))
    op = Column(String(16))
    value = Column(JSON)
    text = Column(Text)


class ConfirmationRow(Base):
    """conditions_to_confirm: what only the department can judge."""

    __tablename__ = "conditions_to_confirm"
    measure_id = Column(String(64), ForeignKey("measures.id"), primary_key=True)
    position = Column(Integer, primary_key=True)
    text = Column(Text, nullable=False)


class BuildInfoRow(Base):
    __tablename__ = "build_info"
    id = Column(Integer, primary_key=True)
    built_at = Column(DateTime, nullable=False)
    catalogue_digest = Column(String(64), nullable=False)
    measure_count = Column(Integer, nullable=False)
    __table_args__ = (UniqueConstraint("catalogue_digest", "built_at"),)
