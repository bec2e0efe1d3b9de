/* global db */
// One user per MongoDB service, owning only its own database. Run once by the mongo image on an
// empty data directory (mounted into /docker-entrypoint-initdb.d); passwords from <SERVICE>_DB_PASSWORD.
for (const name of ["reviews", "recommendations"]) {
  const variable = `${name.toUpperCase()}_DB_PASSWORD`;
  const password = process.env[variable];
  if (!password) throw new Error(`${variable} is not set`);
  db.getSiblingDB(name).createUser({ user: name, pwd: password, roles: [{ role: "dbOwner", db: name }] });
}
