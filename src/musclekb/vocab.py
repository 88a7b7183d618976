"""The musclekb ontology as code. GENERATED from knowledge/schema.ttl by `musclekb vocab`.

Do not edit by hand: edit the schema and regenerate. ``MK`` fails on unknown terms, so a typo in
code is an error at import time, not a silent new IRI.
"""

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

__all__ = ["KB", "MK"]

KB = Namespace("https://w3id.org/musclekb/id/")
"""Namespace of the knowledge base's individuals: ``KB["gluteus-medius"]``."""


class MK(DefinedNamespace):
    """Classes, properties and fixed individuals of the musclekb ontology."""

    _NS = Namespace("https://w3id.org/musclekb/ontology#")
    _fail = True

    # classes
    Advisory: URIRef  # advisory
    AntagonistPair: URIRef  # antagonist pair
    BodyRegion: URIRef  # body region
    Cause: URIRef  # cause or risk factor
    CauseRule: URIRef  # cause rule
    CertaintyWording: URIRef  # certainty wording
    Condition: URIRef  # condition
    Contraindication: URIRef  # contraindication
    Direction: URIRef  # better direction
    Equipment: URIRef  # equipment
    Exercise: URIRef  # exercise
    ExerciseKind: URIRef  # exercise kind
    ExerciseRole: URIRef  # exercise role
    Imbalance: URIRef  # imbalance pattern
    ImbalanceForm: URIRef  # imbalance form
    Joint: URIRef  # joint
    JointAction: URIRef  # joint action
    Laterality: URIRef  # laterality
    Level: URIRef  # level
    LoadMode: URIRef  # load mode
    Measure: URIRef  # measure
    MeasureRule: URIRef  # measure rule
    Muscle: URIRef  # muscle
    MuscleGroup: URIRef  # muscle group
    MuscleState: URIRef  # muscle state
    PairKind: URIRef  # pair kind
    PatternRule: URIRef  # pattern rule
    Phase: URIRef  # plan phase
    PlanWeight: URIRef  # plan weight
    Principle: URIRef  # principle
    RemedyRule: URIRef  # remedy rule
    RoleRule: URIRef  # role rule
    Rule: URIRef  # rule
    SideRelation: URIRef  # side relation
    Sign: URIRef  # sign
    SignKind: URIRef  # sign kind
    SignRule: URIRef  # sign rule
    Source: URIRef  # source
    StateKind: URIRef  # muscle state kind
    Test: URIRef  # test
    # properties
    accuracy: URIRef  # accuracy
    atJoint: URIRef  # at joint
    betterDirection: URIRef  # better direction
    certainty: URIRef  # certainty factor
    certaintyAbove: URIRef  # certainty above
    certaintyAtLeast: URIRef  # certainty at least
    code: URIRef  # code
    comparesSides: URIRef  # compares sides
    contraindication: URIRef  # contraindication
    displayOrder: URIRef  # display order
    equipment: URIRef  # equipment
    excludedForLevel: URIRef  # excluded for level
    excludedFromPain: URIRef  # excluded from pain level
    exerciseKind: URIRef  # exercise kind
    fileName: URIRef  # file name
    firstAction: URIRef  # first action
    firstMuscle: URIRef  # first muscle
    fma: URIRef  # FMA identifier
    form: URIRef  # form
    hasComponent: URIRef  # has component
    holdSeconds: URIRef  # hold (seconds)
    ifCause: URIRef  # if cause
    ifImbalance: URIRef  # if imbalance
    ifMeasure: URIRef  # if measure
    ifOppositeState: URIRef  # if state on the opposite side
    ifSign: URIRef  # if sign
    ifState: URIRef  # if state
    ifStateKind: URIRef  # if state kind
    inGroup: URIRef  # in group
    instructions: URIRef  # instructions
    joint: URIRef  # joint
    lateral: URIRef  # lateral
    laterality: URIRef  # laterality
    lengthens: URIRef  # lengthens
    level: URIRef  # level
    loadMode: URIRef  # load mode
    lsiBelow: URIRef  # limb symmetry index below (%)
    mapView: URIRef  # map view
    maxValue: URIRef  # largest valid value
    mayLeadTo: URIRef  # may lead to
    measuredIn: URIRef  # measured in
    minValue: URIRef  # smallest valid value
    muscle: URIRef  # muscle
    observedIn: URIRef  # observed in
    opposite: URIRef  # opposite action
    order: URIRef  # order
    painSafe: URIRef  # safe with pain
    pairKind: URIRef  # pair kind
    partOf: URIRef  # part of
    performs: URIRef  # performs
    phase: URIRef  # phase
    pluralLabel: URIRef  # plural label
    procedure: URIRef  # procedure
    progression: URIRef  # progression
    putsIntoPractice: URIRef  # puts into practice
    rank: URIRef  # rank
    reading: URIRef  # reading
    realisedBy: URIRef  # realised by
    reassessAfterWeeks: URIRef  # reassess after weeks
    referral: URIRef  # referral
    region: URIRef  # body region
    regression: URIRef  # regression
    reportThreshold: URIRef  # report threshold
    reps: URIRef  # repetitions
    secondAction: URIRef  # second action
    secondMuscle: URIRef  # second muscle
    section: URIRef  # section
    sets: URIRef  # sets
    side: URIRef  # side of the conclusion
    signKind: URIRef  # sign kind
    stateKind: URIRef  # state kind
    strengthens: URIRef  # strengthens
    thenExercise: URIRef  # then exercise
    thenImbalance: URIRef  # then imbalance
    thenRole: URIRef  # then role
    thenState: URIRef  # then state
    triggerAnyImbalance: URIRef  # any imbalance
    triggerPainAtLeast: URIRef  # pain at least
    triggerPersistentPain: URIRef  # persistent pain
    uberon: URIRef  # UBERON identifier
    unilateral: URIRef  # unilateral
    unit: URIRef  # unit
    valueAbove: URIRef  # value above
    valueBelow: URIRef  # value below
    weight: URIRef  # weight
    # individuals
    Antagonistic: URIRef  # antagonistic
    Contralateral: URIRef  # contralateral (left vs right)
    HigherIsBetter: URIRef  # higher is better
    Lateral: URIRef  # lateral
    LowerIsBetter: URIRef  # lower is better
    NonLateral: URIRef  # not lateral
    OppositeSide: URIRef  # opposite side
    SameSide: URIRef  # same side
    WeakerSide: URIRef  # weaker side
