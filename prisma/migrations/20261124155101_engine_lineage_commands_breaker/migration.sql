-- CreateTable
CREATE TABLE "RunCommand" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "runId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "payload" JSONB NOT NULL DEFAULT '{}',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "RunCommand_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "CircuitBreaker" (
    "target" TEXT NOT NULL PRIMARY KEY,
    "state" TEXT NOT NULL DEFAULT 'closed',
    "failures" JSONB NOT NULL DEFAULT '[]',
    "openedAt" DATETIME,
    "probeUntil" DATETIME,
    "updatedAt" DATETIME NOT NULL
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Run" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workflowId" TEXT NOT NULL,
    "versionId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "inputs" JSONB NOT NULL DEFAULT '{}',
    "outputs" JSONB,
    "error" JSONB,
    "lastSeq" INTEGER NOT NULL DEFAULT 0,
    "trigger" TEXT NOT NULL DEFAULT 'manual',
    "startedById" TEXT,
    "leaseOwner" TEXT,
    "leaseUntil" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    "parentRunId" TEXT,
    "parentStepKey" TEXT,
    "origin" TEXT NOT NULL DEFAULT 'new',
    "sourceRunId" TEXT,
    "sourceStep" TEXT,
    "concurrencyKey" TEXT,
    "idempotencyKey" TEXT,
    CONSTRAINT "Run_workflowId_fkey" FOREIGN KEY ("workflowId") REFERENCES "Workflow" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Run_versionId_fkey" FOREIGN KEY ("versionId") REFERENCES "WorkflowVersion" ("id") ON DELETE NO ACTION ON UPDATE CASCADE,
    CONSTRAINT "Run_startedById_fkey" FOREIGN KEY ("startedById") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Run_parentRunId_fkey" FOREIGN KEY ("parentRunId") REFERENCES "Run" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Run_sourceRunId_fkey" FOREIGN KEY ("sourceRunId") REFERENCES "Run" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Run" ("createdAt", "error", "finishedAt", "id", "inputs", "lastSeq", "leaseOwner", "leaseUntil", "number", "outputs", "startedAt", "startedById", "status", "trigger", "versionId", "workflowId") SELECT "createdAt", "error", "finishedAt", "id", "inputs", "lastSeq", "leaseOwner", "leaseUntil", "number", "outputs", "startedAt", "startedById", "status", "trigger", "versionId", "workflowId" FROM "Run";
DROP TABLE "Run";
ALTER TABLE "new_Run" RENAME TO "Run";
CREATE INDEX "Run_status_leaseUntil_idx" ON "Run"("status", "leaseUntil");
CREATE INDEX "Run_concurrencyKey_status_idx" ON "Run"("concurrencyKey", "status");
CREATE UNIQUE INDEX "Run_workflowId_number_key" ON "Run"("workflowId", "number");
CREATE UNIQUE INDEX "Run_parentRunId_parentStepKey_key" ON "Run"("parentRunId", "parentStepKey");
CREATE UNIQUE INDEX "Run_workflowId_idempotencyKey_key" ON "Run"("workflowId", "idempotencyKey");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "RunCommand_runId_id_idx" ON "RunCommand"("runId", "id");
