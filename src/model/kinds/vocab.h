/* vocab.h: closed vocabularies shared by several kinds ('|'-separated). */
#ifndef BH_VOCAB_H
#define BH_VOCAB_H

#define UNIT_TYPES                                                          \
  "infantry_battalion|combat_convoy_battalion|combat_convoy_company|"       \
  "special_forces|quick_reaction_force|mobile_task_force|"                  \
  "formed_police_unit|helicopter_medium_utility|helicopter_armed|"          \
  "engineering|medical|forward_surgical_team|isr_fixed_wing|uas|signals|"   \
  "transport|explosive_ordnance_disposal|other"

/* A unit's deployment status (units.status, unit_changes.status). */
#define UNIT_STATUSES "pledged|advance_team|deploying|deployed|rotating|repatriated"

/* ACLED's event types, and each sub-event type with its event type
 * ("Event type/Sub-event type"), as in ACLED's codebook. */
#define ACLED_EVENT_TYPES                                                   \
  "Battles|Violence against civilians|Explosions/Remote violence|"          \
  "Protests|Riots|Strategic developments"

#define ACLED_SUB_EVENT_TYPES                                               \
  "Armed clash|Government regains territory|"                               \
  "Non-state actor overtakes territory|Sexual violence|Attack|"             \
  "Abduction/forced disappearance|Chemical weapon|Air/drone strike|"        \
  "Suicide bomb|Shelling/artillery/missile attack|"                         \
  "Remote explosive/landmine/IED|Grenade|Violent demonstration|"            \
  "Mob violence|Peaceful protest|Protest with intervention|"                \
  "Excessive force against protesters|Agreement|Arrests|"                   \
  "Change to group/activity|Disrupted weapons use|"                         \
  "Headquarters or base established|Looting/property destruction|"          \
  "Non-violent transfer of territory|Other"

/* Which sub-event type belongs to which event type ("type>sub-type"). */
#define ACLED_EVENT_PAIRS \
  "Battles>Armed clash|"  \
  "Battles>Government regains territory|"  \
  "Battles>Non-state actor overtakes territory|"  \
  "Violence against civilians>Sexual violence|"  \
  "Violence against civilians>Attack|"  \
  "Violence against civilians>Abduction/forced disappearance|"  \
  "Explosions/Remote violence>Chemical weapon|"  \
  "Explosions/Remote violence>Air/drone strike|"  \
  "Explosions/Remote violence>Suicide bomb|"  \
  "Explosions/Remote violence>Shelling/artillery/missile attack|"  \
  "Explosions/Remote violence>Remote explosive/landmine/IED|"  \
  "Explosions/Remote violence>Grenade|"  \
  "Riots>Violent demonstration|"  \
  "Riots>Mob violence|"  \
  "Protests>Peaceful protest|"  \
  "Protests>Protest with intervention|"  \
  "Protests>Excessive force against protesters|"  \
  "Strategic developments>Agreement|"  \
  "Strategic developments>Arrests|"  \
  "Strategic developments>Change to group/activity|"  \
  "Strategic developments>Disrupted weapons use|"  \
  "Strategic developments>Headquarters or base established|"  \
  "Strategic developments>Looting/property destruction|"  \
  "Strategic developments>Non-violent transfer of territory|"  \
  "Strategic developments>Other"

#endif
