/** Checks that every id is unique and every reference (steps, equipment, materials, ISA-88 groups) resolves. */
import type { ProcedureDefinition } from './definition.ts';
import { error, suggestion, warning, type Diagnostic } from './diagnostic.ts';

/** CEL's reserved words: a field or parameter with one of these names could not be read in an expression. */
const RESERVED = new Set(
  'true false null in as break const continue else for function if import let loop package namespace return var void while'.split(' '),
);

/** Duplicate ids and names that expressions could not read. */
export function checkIdentity(def: ProcedureDefinition): Diagnostic[] {
  const out: Diagnostic[] = [];
  const stepIds = new Set<string>();
  const fieldSteps = new Map<string, string>();
  for (const name of Object.keys(def.parameters)) {
    if (name === 'batch_size') out.push(error('name_clash', "a parameter may not be called 'batch_size': that name is the batch size of the batch", ['parameters', name]));
    if (RESERVED.has(name)) out.push(error('reserved_name', `'${name}' is a reserved word of the expression language; choose another parameter name`, ['parameters', name]));
  }
  def.steps.forEach((step, i) => {
    if (stepIds.has(step.id)) {
      out.push(error('duplicate_step_id', `two steps have the id '${step.id}': step ids must be unique, because other steps refer to them`, ['steps', i, 'id'], step.id));
    }
    stepIds.add(step.id);
    step.fields.forEach((field, j) => {
      const path = ['steps', i, 'record', j, 'id'];
      const earlier = fieldSteps.get(field.id);
      if (earlier !== undefined) {
        const where = earlier === step.id ? 'this step' : `step '${earlier}'`;
        out.push(error('duplicate_field_id', `field id '${field.id}' is already used in ${where}: field ids are unique across the procedure, because expressions read them by name`, path, step.id));
      } else fieldSteps.set(field.id, step.id);
      if (field.id === 'batch_size' || Object.hasOwn(def.parameters, field.id)) {
        const what = field.id === 'batch_size' ? 'the batch size' : 'a parameter';
        out.push(error('name_clash', `field id '${field.id}' is also the name of ${what}: expressions could not tell them apart`, path, step.id));
      }
      if (RESERVED.has(field.id)) out.push(error('reserved_name', `'${field.id}' is a reserved word of the expression language; choose another field id`, path, step.id));
    });
  });
  const units = new Set<string>();
  def.unitProcedures.forEach((unit, u) => {
    if (units.has(unit.id)) out.push(error('duplicate_unit_procedure', `two unit procedures have the id '${unit.id}'`, ['unitProcedures', u, 'id']));
    units.add(unit.id);
    const operations = new Set<string>();
    unit.operations.forEach((operation, o) => {
      if (operations.has(operation.id)) {
        out.push(error('duplicate_operation', `unit procedure '${unit.id}' has two operations with the id '${operation.id}'`, ['unitProcedures', u, 'operations', o, 'id']));
      }
      operations.add(operation.id);
    });
  });
  return out;
}

/** Every step, equipment, material, unit procedure, operation and repeated field named exists. */
export function checkReferences(def: ProcedureDefinition): Diagnostic[] {
  const out: Diagnostic[] = [];
  const stepIds = def.steps.map((s) => s.id);
  const equipment = Object.keys(def.equipment);
  const materials = Object.keys(def.materials);
  const usedEquipment = new Set<string>();
  const usedMaterials = new Set<string>();
  const stepRef = (id: string, path: (string | number)[], step: string, role: string, consequence = '') => {
    if (!stepIds.includes(id)) out.push(error('unknown_step', `step '${step}' ${role} '${id}', but there is no step '${id}'${suggestion(id, stepIds)}${consequence}`, path, step));
  };
  const equipmentRef = (alias: string, path: (string | number)[], step: string) => {
    usedEquipment.add(alias);
    if (!equipment.includes(alias)) {
      out.push(error('unknown_equipment', `step '${step}' names equipment '${alias}', which is not in the procedure's equipment${listed(equipment)}${suggestion(alias, equipment)}`, path, step));
    }
  };
  const materialRef = (alias: string, path: (string | number)[], step: string) => {
    usedMaterials.add(alias);
    if (!materials.includes(alias)) {
      out.push(error('unknown_material', `step '${step}' names material '${alias}', which is not in the procedure's materials${listed(materials)}${suggestion(alias, materials)}`, path, step));
    }
  };

  def.steps.forEach((step, i) => {
    const at = (...rest: (string | number)[]) => ['steps', i, ...rest];
    step.after.forEach((p, k) => stepRef(p, at('after', k), step.id, 'comes after', ', so it can never become ready'));
    if (step.within) stepRef(step.within.of, at('within', 'of'), step.id, 'has a hold-time limit from');
    if (step.wait) stepRef(step.wait.after, at('wait', 'after'), step.id, 'waits after');
    step.uses.forEach((alias, k) => equipmentRef(alias, at('uses', k), step.id));
    step.consume.forEach((c, k) => {
      materialRef(c.material, at('consume', k, 'material'), step.id);
      if (c.weighOn !== undefined) equipmentRef(c.weighOn, at('consume', k, 'weighOn'), step.id);
    });
    if (step.produce) materialRef(step.produce.material, at('produce', 'material'), step.id);
    step.fields.forEach((f, j) => {
      if (f.type === 'lot' && f.material !== undefined) materialRef(f.material, at('record', j, 'material'), step.id);
      if (f.type === 'equipment' && f.equipment !== undefined) equipmentRef(f.equipment, at('record', j, 'equipment'), step.id);
    });
    out.push(...checkGrouping(def, i), ...checkRepeat(def, i));
  });

  for (const alias of equipment) {
    if (!usedEquipment.has(alias)) out.push(warning('unused_equipment', `equipment '${alias}' is declared but no step uses it`, ['equipment', alias]));
  }
  for (const alias of materials) {
    if (!usedMaterials.has(alias)) out.push(warning('unused_material', `material '${alias}' is declared but no step consumes or produces it`, ['materials', alias]));
  }
  return out;
}

function listed(names: readonly string[]): string {
  return names.length === 0 ? ' (it declares none)' : '';
}

/** ISA-88: a step's unit procedure exists, and its operation belongs to that unit procedure. */
function checkGrouping(def: ProcedureDefinition, i: number): Diagnostic[] {
  const step = def.steps[i]!;
  const ids = def.unitProcedures.map((u) => u.id);
  if (step.unitProcedure === undefined) {
    return step.operation === undefined
      ? []
      : [error('operation_without_unit_procedure', `step '${step.id}' names operation '${step.operation}' but no unitProcedure it belongs to`, ['steps', i, 'operation'], step.id)];
  }
  const unit = def.unitProcedures.find((u) => u.id === step.unitProcedure);
  if (!unit) {
    return [
      error('unknown_unit_procedure', `step '${step.id}' belongs to unit procedure '${step.unitProcedure}', which is not in unitProcedures${suggestion(step.unitProcedure, ids)}`, ['steps', i, 'unitProcedure'], step.id),
    ];
  }
  if (step.operation !== undefined && !unit.operations.some((o) => o.id === step.operation)) {
    const operations = unit.operations.map((o) => o.id);
    const its = operations.length === 0 ? 'it has none' : `its operations: ${operations.join(', ')}`;
    return [error('unknown_operation', `operation '${step.operation}' is not an operation of unit procedure '${unit.id}' (${its})`, ['steps', i, 'operation'], step.id)];
  }
  return [];
}

/** A repeated check names at least one field, and only fields of its own step. */
function checkRepeat(def: ProcedureDefinition, i: number): Diagnostic[] {
  const step = def.steps[i]!;
  if (!step.repeat) return [];
  if (step.repeat.fields.length === 0) {
    return [error('repeat_without_fields', `step '${step.id}' repeats checks but names no fields to record each time (repeat.record)`, ['steps', i, 'repeat'], step.id)];
  }
  const own = step.fields.map((f) => f.id);
  return step.repeat.fields.flatMap((id, k) =>
    own.includes(id)
      ? []
      : [error('repeat_unknown_field', `step '${step.id}' repeats field '${id}', which is not a field of this step${suggestion(id, own)}`, ['steps', i, 'repeat', 'record', k], step.id)],
  );
}
