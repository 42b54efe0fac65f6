-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Workflow" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "tags" JSONB NOT NULL DEFAULT '[]',
    "draftYaml" TEXT NOT NULL DEFAULT '',
    "lastRunNumber" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "createdById" TEXT,
    CONSTRAINT "Workflow_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Workflow" ("createdAt", "createdById", "description", "draftYaml", "id", "name", "tags", "updatedAt") SELECT "createdAt", "createdById", "description", "draftYaml", "id", "name", "tags", "updatedAt" FROM "Workflow";
DROP TABLE "Workflow";
ALTER TABLE "new_Workflow" RENAME TO "Workflow";
CREATE INDEX "Workflow_updatedAt_idx" ON "Workflow"("updatedAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- Existing workflows continue from their newest run.
UPDATE "Workflow" SET "lastRunNumber" = (SELECT COALESCE(MAX("number"), 0) FROM "Run" WHERE "Run"."workflowId" = "Workflow"."id");
