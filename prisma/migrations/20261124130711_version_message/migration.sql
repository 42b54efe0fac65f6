-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_WorkflowVersion" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workflowId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "yaml" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "message" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdById" TEXT,
    CONSTRAINT "WorkflowVersion_workflowId_fkey" FOREIGN KEY ("workflowId") REFERENCES "Workflow" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "WorkflowVersion_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_WorkflowVersion" ("createdAt", "createdById", "hash", "id", "number", "workflowId", "yaml") SELECT "createdAt", "createdById", "hash", "id", "number", "workflowId", "yaml" FROM "WorkflowVersion";
DROP TABLE "WorkflowVersion";
ALTER TABLE "new_WorkflowVersion" RENAME TO "WorkflowVersion";
CREATE INDEX "WorkflowVersion_workflowId_hash_idx" ON "WorkflowVersion"("workflowId", "hash");
CREATE UNIQUE INDEX "WorkflowVersion_workflowId_number_key" ON "WorkflowVersion"("workflowId", "number");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
