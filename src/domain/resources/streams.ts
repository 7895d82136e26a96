/** Stream ids of the resources: one stream per piece of equipment, lot and person. */

/** The stream that holds one piece of equipment's events: "equipment-P-01". */
export function equipmentStream(equipmentId: string): string {
  return `equipment-${equipmentId}`;
}

/** The stream that holds one lot's events: "lot-L-2291". */
export function lotStream(lotId: string): string {
  return `lot-${lotId}`;
}

/** The stream that holds one person's events: "person-u-17". */
export function personStream(personId: string): string {
  return `person-${personId}`;
}
