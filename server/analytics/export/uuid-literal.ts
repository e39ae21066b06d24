/**
 * COPY takes no bind parameters, so an export's ids are written into its statement. This is
 * the one way to make such a literal: the id must be a UUID (hex digits and dashes only, so
 * nothing in it can end the quotes), and the result is branded so the export statements
 * accept nothing else (a plain string from a request does not type-check).
 */
export type UuidLiteral = string & { readonly __uuidLiteral: unique symbol };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function uuidLiteral(id: string): UuidLiteral {
  if (!UUID.test(id)) throw new TypeError('an export id must be a UUID');
  return `'${id}'` as UuidLiteral;
}
