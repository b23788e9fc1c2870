/** Job name and payload of the classifier retraining (QueueName.Training). */
export const RETRAIN_CLASSIFIER_JOB = 'RetrainClassifierJob';

export interface RetrainClassifierJobData {
  reason: string;
}
