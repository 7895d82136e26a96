/** People as a decider: the object the engine loads, decides and appends with. */
import type { Decider } from '../shared/decider.ts';
import type { PersonCommand } from './person-commands.ts';
import { decidePerson } from './person-decide.ts';
import type { PersonEvent } from './person-events.ts';
import type { PersonState } from './person-state.ts';
import { evolvePerson, initialPersonState } from './person-state.ts';

/** The person decider. */
export const personDecider: Decider<PersonState, PersonCommand, PersonEvent> = {
  initialState: initialPersonState,
  decide: decidePerson,
  evolve: evolvePerson,
};

