-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "concurrencyKey" TEXT,
ADD COLUMN     "idempotencyKey" TEXT,
ADD COLUMN     "origin" TEXT NOT NULL DEFAULT 'new',
ADD COLUMN     "parentRunId" TEXT,
ADD COLUMN     "parentStepKey" TEXT,
ADD COLUMN     "sourceRunId" TEXT,
ADD COLUMN     "sourceStep" TEXT;

-- CreateTable
CREATE TABLE "RunCommand" (
    "id" SERIAL NOT NULL,
    "runId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "payload" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RunCommand_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CircuitBreaker" (
    "target" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'closed',
    "failures" JSONB NOT NULL DEFAULT '[]',
    "openedAt" TIMESTAMP(3),
    "probeUntil" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CircuitBreaker_pkey" PRIMARY KEY ("target")
);

-- CreateIndex
CREATE INDEX "RunCommand_runId_id_idx" ON "RunCommand"("runId", "id");

-- CreateIndex
CREATE INDEX "Run_concurrencyKey_status_idx" ON "Run"("concurrencyKey", "status");

-- CreateIndex
CREATE UNIQUE INDEX "Run_parentRunId_parentStepKey_key" ON "Run"("parentRunId", "parentStepKey");

-- CreateIndex
CREATE UNIQUE INDEX "Run_workflowId_idempotencyKey_key" ON "Run"("workflowId", "idempotencyKey");

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_parentRunId_fkey" FOREIGN KEY ("parentRunId") REFERENCES "Run"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_sourceRunId_fkey" FOREIGN KEY ("sourceRunId") REFERENCES "Run"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RunCommand" ADD CONSTRAINT "RunCommand_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;
