// Which models hold data about a member: a relation to Member, or a column that names one
// (memberId, authorId, actorId, …). Read from the generated client's data model, so a model
// added anywhere is seen without a list kept by hand. test/privacy/completeness.test.ts fails
// for such a model that no privacy part covers.
import type { PrivacyRegistry } from './parts.ts';

export interface ModelField {
  name: string;
  kind: string;
  type: string;
}

export type DataModel = Record<string, { fields: ModelField[] }>;

/** A String column whose name says it holds a member's id. */
const MEMBER_COLUMN = /(member|author|actor|requester|requestedBy|adviser|assignee|invitee|attendee|subscriber|creator|organiser|organizer|owner|user|decidedBy|withdrawnBy|closedBy|createdBy|handledBy)Ids?$/i;

export function memberModels(models: DataModel): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const [model, { fields }] of Object.entries(models)) {
    // A relation counts on the side that holds the key (`author` with `authorId`), not as the
    // list on the other side (Organisation.members).
    const holdsKey = (field: ModelField) => fields.some((other) => other.kind === 'scalar' && other.name.startsWith(field.name) && /Ids?$/.test(other.name));
    const why = fields.filter(
      (field) => (field.kind === 'object' && field.type === 'Member' && holdsKey(field)) || (field.kind === 'scalar' && field.type === 'String' && MEMBER_COLUMN.test(field.name)),
    );
    if (model === 'Member' || why.length > 0) found.set(model, why.map((field) => field.name));
  }
  return found;
}

/** Models with member data that no registered part covers, with the fields that give them away. */
export function uncoveredModels(models: DataModel, registry: PrivacyRegistry): Record<string, string[]> {
  const covered = registry.covered();
  return Object.fromEntries([...memberModels(models)].filter(([model]) => !covered.has(model)));
}

/** The schema's models as the generated client carries them (Prisma's DMMF, runtime part). */
export function dataModelOf(client: unknown): DataModel {
  const model = (client as { _runtimeDataModel?: { models: DataModel } })._runtimeDataModel;
  if (!model) throw new Error('the Prisma client carries no data model');
  return model.models;
}
